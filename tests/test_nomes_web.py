"""O modelo de nomes rodando na página do capítulo 6 (``docs/assets/js/nomes.js``), no Chromium.

Usa o site construído (``site/``), servido em localhost como em ``test_site.py``. A página
carrega os pesos exportados pelo capítulo; aqui os mesmos bytes são lidos no PyTorch
(``recorrente.web.load_exported_name_model``) e as duas contas são comparadas: a distribuição
do próximo caractere para mais de vinte prefixos, a decodificação gulosa, a marca "no censo".
Também: o sorteio com semente se repete, nada sai de localhost, o modelo é baixado uma vez só,
dez nomes saem em no máximo 50 ms, e entrada ruim vira uma mensagem em português na página.
"""

from __future__ import annotations

import math

import pytest
import torch
from test_site import SITE, browser  # noqa: F401  (browser: a fixture do Chromium)

from recorrente.data.names import load_census_names, strip_accents
from recorrente.generation import greedy_name
from recorrente.web import load_exported_name_model

pytestmark = pytest.mark.site

PAGE = "capitulos/06_nomes/"
MODEL_FILE = SITE / "capitulos" / "06_nomes" / "nomes-gru.bin"
PREFIXES = [
    "", "a", "b", "jo", "ma", "mari", "ana", "gabri", "fern", "luc", "pedr", "raf", "th",
    "wel", "kau", "yas", "x", "q", "zz", "edu", "cristia", "joão", "andré", "conceição",
    "Inês", "zoé", "  José  ",
]


@pytest.fixture(scope="module")
def torch_model():
    if not MODEL_FILE.is_file():
        pytest.fail(f"{MODEL_FILE} não existe; rode `mkdocs build --strict` antes.")
    model, vocab, header = load_exported_name_model(MODEL_FILE.read_bytes())
    return model, vocab, header


@pytest.fixture(scope="module")
def widget(server: str, browser):  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    log = {"errors": [], "requests": []}
    page.on("console", lambda m: log["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log["errors"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.goto(server + PAGE, wait_until="load")
    page.locator("[data-nomes-widget]").scroll_into_view_if_needed()
    page.wait_for_selector("[data-nomes-pronto]", timeout=30_000)
    yield page, log, server
    context.close()


def _module(page) -> str:
    return page.evaluate("document.querySelector('script[src*=\"nomes.js\"]').src")


def _page_distributions(page, prefixes, temperature=1.0, top_k=None):
    return page.evaluate(
        """async ([url, prefixes, temperature, topK]) => {
            const m = await import(url);
            const model = await m.pageModel();
            return prefixes.map(p => Array.from(
                model.distribution(model.prepare(p).folded, {temperature, topK})));
        }""",
        [_module(page), prefixes, temperature, top_k],
    )


def _torch_distribution(model, vocab, prefix, temperature=1.0, top_k=None) -> torch.Tensor:
    folded = strip_accents(" ".join(prefix.split()).lower())
    logits, _ = model.step(torch.tensor([[0, *vocab.encode(folded)]]))
    logits = logits[0] / temperature
    if top_k is not None:  # a mesma regra de recorrente.generation.sample_names
        kth = torch.topk(logits, top_k).values[-1]
        logits = logits.masked_fill(logits < kth, -math.inf)
    return torch.softmax(logits, dim=-1)


@pytest.mark.parametrize("temperature, top_k", [(1.0, None), (0.7, None), (1.3, 5)])
def test_next_character_distribution_equals_pytorch(widget, torch_model, temperature, top_k):
    page, _, _ = widget
    model, vocab, _ = torch_model
    assert len(PREFIXES) >= 20 and "" in PREFIXES
    in_page = _page_distributions(page, PREFIXES, temperature, top_k)
    worst = 0.0
    with torch.no_grad():
        for prefix, probs in zip(PREFIXES, in_page, strict=True):
            reference = _torch_distribution(model, vocab, prefix, temperature, top_k)
            worst = max(worst, (torch.tensor(probs) - reference.double()).abs().max().item())
    print(f"τ = {temperature}, top-k = {top_k}: maior diferença absoluta {worst:.2e}")
    assert worst <= 1e-5


def _generate(page, *, temperature="1", top_k="", prefix="", seed="42") -> tuple[list, str]:
    form = page.locator("form.nomes-gerador")
    form.locator("input[name=temperatura]").fill(temperature)
    form.locator("input[name=topk]").fill(top_k)
    form.locator("input[name=prefixo]").fill(prefix)
    form.locator("input[name=semente]").fill(seed)
    form.get_by_role("button", name="Gerar").click()
    names = form.locator(".nomes-lista li").evaluate_all(
        "items => items.map(li => [li.firstChild.textContent, !!li.querySelector('.nomes-censo')])"
    )
    return names, form.locator(".nomes-mensagem").inner_text()


def test_seeded_sampling_repeats_and_marks_census_names(widget):
    page, _, _ = widget
    first, message = _generate(page, temperature="1", seed="7")
    again, _ = _generate(page, temperature="1", seed="7")
    other, _ = _generate(page, temperature="1", seed="8")
    assert first == again and first != other and len(first) == 10
    census = set(load_census_names())
    for names in (first, other, _generate(page, temperature="0,5")[0]):
        assert [marked for _, marked in names] == [name in census for name, _ in names]
    assert "nomes existem no censo" in message


def test_cold_limit_equals_package_greedy_decoding(widget, torch_model):
    page, _, _ = widget
    model, vocab, _ = torch_model
    for prefix in ("", "jo", "ma", "gabri", "x", "joão"):
        greedy = greedy_name(model, vocab, strip_accents(prefix))
        for temperature in ("0", "0.001"):
            names, message = _generate(page, temperature=temperature, prefix=prefix, seed="3")
            assert [n for n, _ in names] == [greedy] * 10, (prefix, temperature)
    assert "lido como “joao”" in message  # o acento tirado, e o leitor é avisado


def test_bad_input_gets_a_portuguese_message_and_no_console_error(widget):
    page, log, _ = widget
    good, _ = _generate(page, seed="5")
    cases = [
        ({"prefix": "ana1"}, "caracteres que o modelo não conhece: “1”"),
        ({"prefix": "maria clara"}, "não conhece: “ ”"),
        ({"prefix": "bjørn"}, "“ø”"),
        ({"temperature": ""}, "Informe a temperatura"),
        ({"temperature": "-1"}, "Temperatura inválida"),
        ({"temperature": "1e9"}, "Temperatura inválida"),
        ({"temperature": "0,8,1"}, "Temperatura inválida"),
        ({"top_k": "0"}, "top-k inválido"),
        ({"top_k": "2.5"}, "top-k inválido"),
        ({"seed": ""}, "Semente inválida"),
    ]
    for fields, expected in cases:
        names, message = _generate(page, **{"seed": "5", **fields})
        assert expected in message, (fields, message)
        # a lista velha some: embaixo do erro ela parecia o resultado destas opções
        assert names == [], (fields, names)
        assert _generate(page, seed="5")[0] == good  # e volta com as opções boas
    viewer = page.locator("form.nomes-ver")
    viewer.locator("input[name=nome]").fill("x-y")
    assert "não conhece: “-”" in viewer.locator(".nomes-resumo").inner_text()
    assert not log["errors"], log["errors"]


def test_what_the_network_sees(widget, torch_model):
    page, log, _ = widget
    model, vocab, header = torch_model
    viewer = page.locator("form.nomes-ver")
    viewer.locator("select[name=cor]").select_option("p")
    viewer.locator("input[name=nome]").fill("Ana")
    cells = viewer.locator(".nomes-letra")
    assert cells.evaluate_all("cs => cs.map(c => c.firstChild.textContent)") == [
        "a", "n", "a", "fim"
    ]
    labels = cells.evaluate_all("cs => cs.map(c => c.getAttribute('aria-label'))")
    assert labels[0].startswith("a: probabilidade") and labels[-1].startswith("fim:")
    with torch.no_grad():
        logits, _ = model(torch.tensor([[0, *vocab.encode("ana")]]))
        nll = torch.nn.functional.cross_entropy(logits[0], torch.tensor(vocab.encode("ana") + [0]))
    summary = viewer.locator(".nomes-resumo").inner_text()
    assert f"{nll.item():.2f}".replace(".", ",") + " nats por caractere" in summary
    assert "está no censo" in summary
    # As unidades sugeridas pelo capítulo: um clique escolhe a ativação e a unidade.
    buttons = viewer.locator(".nomes-sugestoes button")
    assert buttons.count() == len(header["units"]) >= 2
    buttons.first.click()
    unit = header["units"][0]
    assert viewer.locator("select[name=cor]").input_value() == unit["gate"]
    assert viewer.locator("input[name=unidade]").input_value() == str(unit["unit"])
    label = cells.first.get_attribute("aria-label")
    assert f"unidade {unit['unit']}" in label
    assert not log["errors"], log["errors"]


def test_keyboard_only_generation(widget):
    page, _, _ = widget
    _generate(page, temperature="1", seed="9")  # campos válidos (os testes anteriores mexeram)
    prefix = page.locator("form.nomes-gerador input[name=prefixo]")
    prefix.fill("")
    prefix.focus()
    page.keyboard.type("lu")
    page.keyboard.press("Enter")  # Enter num campo envia o formulário, como o botão
    names = page.locator("form.nomes-gerador .nomes-lista li").all_inner_texts()
    assert names and all(n.startswith("lu") for n in names)
    for field in ("temperatura", "topk", "prefixo", "semente"):  # todo campo tem rótulo
        accessible = page.locator(f"form.nomes-gerador input[name={field}]")
        assert accessible.evaluate("e => e.labels.length") == 1


def test_ten_names_in_under_50_ms(widget):
    page, _, _ = widget
    timings = page.evaluate(
        """async (url) => {
            const m = await import(url);
            const model = await m.pageModel();
            model.generate({count: 10, seed: 0});  // aquecimento do JIT
            const times = [];
            for (let seed = 1; seed <= 20; seed++) {
                const start = performance.now();
                model.generate({count: 10, temperature: 1, seed});
                times.push(performance.now() - start);
            }
            return times.sort((a, b) => a - b);
        }""",
        _module(page),
    )
    median, worst = timings[len(timings) // 2], timings[-1]
    print(f"10 nomes: mediana {median:.1f} ms, pior {worst:.1f} ms (20 medições)")
    assert worst <= 50


def test_no_request_outside_and_model_loaded_once(widget):
    page, log, server = widget
    _generate(page, seed="11")
    _generate(page, seed="12", prefix="ma")
    page.locator("form.nomes-ver input[name=nome]").fill("rafaela")
    outside = [u for u in log["requests"] if not u.startswith((server, "data:", "blob:"))]
    assert not outside, outside
    assert sum(u.endswith("/nomes-gru.bin") for u in log["requests"]) == 1
    assert sum(u.endswith("/nomes-censo.txt") for u in log["requests"]) == 1
    assert not log["errors"], log["errors"]


def test_print_version_keeps_a_note_instead_of_the_widget(server: str, browser):  # noqa: F811
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "print_page/", wait_until="load")
    page.wait_for_load_state("networkidle")
    assert page.locator(".nomes-ui").count() == 0
    note = page.locator(".nomes-nota")
    # Fora da tela, a versão para imprimir não desenha o bloco (content-visibility, no CSS),
    # e o innerText dele sai vazio: o leitor chega nele rolando, e o texto aparece no quadro
    # seguinte.
    assert note.count() == 1
    note.scroll_into_view_if_needed()
    page.wait_for_function(
        "document.querySelector('.nomes-nota').innerText.includes('versão impressa')",
        timeout=10_000,
    )
    assert not any(u.endswith(("nomes-gru.bin", "nomes-censo.txt")) for u in requests)
    page.close()
