"""A exportação do modelo de nomes para o navegador (``recorrente.web``) e os arquivos da página.

A página do capítulo 6 roda o modelo exportado em JavaScript; a comparação com o PyTorch no
navegador está em ``test_nomes_web.py``. Aqui: o arquivo volta ao mesmo modelo, a lista do censo
volta à mesma lista, e o passo de renderização (``recorrente_build``) grava os arquivos que uma
célula entrega.
"""

from __future__ import annotations

import json
import math

import nbformat
import pytest
import torch

from recorrente.data.names import CharVocab, load_census_names, strip_accents
from recorrente.errors import InputError
from recorrente.generation import greedy_name, sample_names
from recorrente.models import SequenceModel
from recorrente.pages import FILES_MIME, SiteFiles
from recorrente.web import (
    export_name_model,
    load_exported_name_model,
    pack_names,
    unit_correlations,
    unit_profile,
    unpack_names,
)
from recorrente_build.writing import write

NAMES = ["ana", "bia", "caio", "davi", "eva", "joao", "maria"]


@pytest.fixture
def model_and_vocab() -> tuple[SequenceModel, CharVocab]:
    vocab = CharVocab.from_names(NAMES)
    torch.manual_seed(0)
    return SequenceModel(len(vocab), len(vocab), 16, "gru", embedding_size=8), vocab


def test_export_round_trip_keeps_weights_vocab_and_units(model_and_vocab) -> None:
    model, vocab = model_and_vocab
    units = [{"gate": "z", "unit": 3, "feature": "letras lidas", "r": -0.5}]
    data = export_name_model(model, vocab, units=units)
    # 4 bytes mágicos, 4 de tamanho, cabeçalho, e 4 bytes por peso
    header_size = int.from_bytes(data[4:8], "little")
    assert len(data) == 8 + header_size + 4 * model.num_parameters()
    loaded, loaded_vocab, header = load_exported_name_model(data)
    assert loaded_vocab == vocab and header["units"] == units
    for name, tensor in model.state_dict().items():
        torch.testing.assert_close(loaded.state_dict()[name], tensor, rtol=0, atol=0)
    x = torch.tensor([[0, *vocab.encode("maria")]])
    torch.testing.assert_close(loaded(x)[0], model(x)[0], rtol=0, atol=0)
    assert not loaded.training


def test_export_refuses_what_the_page_cannot_run(model_and_vocab) -> None:
    model, vocab = model_and_vocab
    for other in (
        SequenceModel(len(vocab), len(vocab), 8, "lstm"),
        SequenceModel(len(vocab), len(vocab), 8, "gru", num_layers=2),
        SequenceModel(len(vocab), 3, 8, "gru"),
    ):
        with pytest.raises(InputError):
            export_name_model(other, vocab)
    data = export_name_model(model, vocab)
    for bad in (b"", b"RNOM", data[:-4], b"XXXX" + data[4:], data[:8] + b"[" + data[9:]):
        with pytest.raises(InputError, match="não são um modelo de nomes"):
            load_exported_name_model(bad)


def test_pack_names_is_exact_and_compact() -> None:
    names = load_census_names()
    packed = pack_names(names)
    assert unpack_names(packed) == names
    assert len(packed) < 0.4 * len("\n".join(names).encode())
    assert unpack_names(pack_names(["joão", "joana", "jo"])) == ["jo", "joana", "joão"]
    for bad in (["ana1"], ["Ana"], [""], ["a" * 48]):
        with pytest.raises(InputError):
            pack_names(bad)


def test_strip_accents_matches_census_spelling() -> None:
    assert strip_accents("joão conceição inês zoé") == "joao conceicao ines zoe"
    assert strip_accents("ø") == "ø"  # sem decomposição: fica, e a página o recusa


def test_greedy_is_the_cold_limit_of_sampling(model_and_vocab) -> None:
    model, vocab = model_and_vocab
    for prefix in ("", "a", "jo", "mar"):
        greedy = greedy_name(model, vocab, prefix)
        assert sample_names(model, vocab, 3, prefix=prefix, temperature=1e-6) == [greedy] * 3
    with pytest.raises(InputError, match="não conhece"):
        greedy_name(model, vocab, "ana!")


def test_unit_correlations_finds_a_unit_that_is_the_position(model_and_vocab) -> None:
    model, vocab = model_and_vocab
    table = unit_correlations(model, vocab, NAMES)
    assert table.shape == (3 * 16, 3)
    assert ((table.abs() <= 1 + 1e-9) | table.isna()).all().all()
    # Uma unidade de h que é a própria posição: pesos que fazem h_0 contar devagar.
    with torch.no_grad():
        model.rnn.weight_ih_l0.zero_()
        model.rnn.weight_hh_l0.zero_()
        model.rnn.bias_ih_l0.zero_()
        model.rnn.bias_hh_l0.zero_()
        hidden = model.config["hidden_size"]
        model.rnn.bias_ih_l0[2 * hidden] = 0.1  # n_0 = tanh(0,1): constante
        model.rnn.bias_hh_l0[hidden] = 2.0  # z_0 = sigmoide(2): h_0 sobe devagar até n_0
    table = unit_correlations(model, vocab, NAMES)
    assert table.loc[("h", 0), "letras lidas"] > 0.9
    profile = unit_profile(model, vocab, NAMES, [("h", 0), ("z", 0)], max_read=4)
    assert list(profile.index) == ["h 0", "z 0"] and list(profile.columns) == [1, 2, 3, 4]
    assert profile.loc["h 0"].is_monotonic_increasing
    z_0 = 1 / (1 + math.exp(-2))  # z_0 = sigmoide(2) em todo passo
    assert profile.loc["z 0"].sub(z_0).abs().max() < 1e-6


def test_site_files_output_becomes_page_files(tmp_path) -> None:
    files = SiteFiles({"modelo.bin": b"\x00\x01\x02", "nomes.txt": b"0ana"})
    bundle = files._repr_mimebundle_()
    assert bundle["text/plain"] == "modelo.bin: 3 bytes\nnomes.txt: 4 bytes"
    with pytest.raises(InputError, match="Nome de arquivo inválido"):
        SiteFiles({"../fora.bin": b""})
    chapter = tmp_path / "09_teste.py"
    chapter.write_text("# %% [markdown]\n# # 9. Teste\n\n# %%\nx\n", encoding="utf-8")
    output = nbformat.v4.new_output("execute_result", json.loads(json.dumps(bundle)))
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# 9. Teste"),
            nbformat.v4.new_code_cell("x", outputs=[output]),
        ]
    )
    assert write(chapter, nb, destination=tmp_path)
    assert (tmp_path / "09_teste" / "modelo.bin").read_bytes() == b"\x00\x01\x02"
    assert (tmp_path / "09_teste" / "nomes.txt").read_text() == "0ana"
    md = (tmp_path / "09_teste.md").read_text(encoding="utf-8")
    assert "modelo.bin: 3 bytes" in md and "AAEC" not in md  # o tamanho, não o base64
    notebook = (tmp_path / "09_teste.ipynb").read_text(encoding="utf-8")
    assert FILES_MIME not in notebook and "modelo.bin: 3 bytes" in notebook
    assert FILES_MIME in nb.cells[1].outputs[0].data  # o notebook guardado fica intacto
    assert not write(chapter, nb, destination=tmp_path)  # nada mudou, nada escrito
