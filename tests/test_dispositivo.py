"""O dispositivo (issue 27, item 6): o nome vira um ``torch.device`` numa casa só, ``fit`` leva o
modelo e cada lote para ele, um checkpoint gravado numa GPU abre sem GPU e toda CLI de treino e de
inferência tem ``--dispositivo``, recusado numa linha onde não existe.

Aqui não há GPU: a escolha de ``"auto"`` é conferida com ``torch.cuda.is_available`` simulado, e
o checkpoint "de GPU" é gravado com as marcas de local ``cuda:0`` (como o ``torch.save`` de uma
GPU grava), que só abrem com ``map_location="cpu"``. O último teste roda cada inferência numa GPU
de verdade, onde houver uma.
"""

from __future__ import annotations

import pytest
import torch
from test_cli_falhas import TINY_AMOUNTS, TINY_NAMES
from test_cli_nomes import NAMES, _error

import recorrente.checkpoints as checkpoints
from recorrente.checkpoints import CheckpointKind, load_model, save_model
from recorrente.cli import main
from recorrente.errors import InputError
from recorrente.models import WindowRegressor
from recorrente.module_tools import model_device, resolve_device
from recorrente.training import TrainConfig, evaluate, fit


@pytest.fixture()
def no_gpu(monkeypatch):
    """Uma máquina sem CUDA nem MPS, também onde há uma GPU de verdade."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)


# --- 1. Uma casa para o nome do dispositivo ------------------------------------------------------

@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_auto_picks_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    assert resolve_device("auto") == torch.device(expected)
    assert resolve_device(" AUTO ") == torch.device(expected)


def test_named_devices_and_torch_devices(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("cuda") == torch.device("cuda")
    assert resolve_device(torch.device("cuda", 1)) == torch.device("cuda:1")
    with pytest.raises(InputError, match="há 2 GPU"):
        resolve_device("cuda:2")


@pytest.mark.parametrize(
    ("name", "message"),
    [("cuda", "não existe nesta máquina: o PyTorch não encontra uma GPU CUDA"),
     ("cuda:0", "não existe nesta máquina"),
     (torch.device("cuda"), "não existe nesta máquina"),
     ("mps", "não encontra o MPS"),
     ("tpu", "Dispositivo desconhecido: 'tpu'; use auto, cpu, cuda ou mps."),
     ("meta", "Dispositivo desconhecido"),
     (3, "Dispositivo desconhecido")],
)
def test_a_missing_or_unknown_device_is_one_clear_error(no_gpu, name, message):
    with pytest.raises(InputError, match=message) as error:
        resolve_device(name)
    assert "use" in str(error.value)  # diz o que fazer


def test_model_device_follows_the_weights():
    assert model_device(WindowRegressor(hidden_size=2)) == torch.device("cpu")
    assert model_device(WindowRegressor(hidden_size=2).to("meta")) == torch.device("meta")
    assert model_device(torch.nn.Identity()) == torch.device("cpu")  # sem pesos: a CPU


# --- 2. fit e evaluate levam cada lote ao dispositivo do modelo ----------------------------------

class _Moved:
    """Um tensor de lote que anota para onde o laço o mandou (e entrega o tensor de verdade)."""

    def __init__(self, tensor, log):
        self.tensor, self.log = tensor, log

    def to(self, device):
        self.log.append(torch.device(device))
        return self.tensor


class _Checks(WindowRegressor):
    """Um modelo que confere que toda entrada chega como tensor, no dispositivo dos pesos."""

    def forward(self, x, targets=None):
        assert isinstance(x, torch.Tensor) and isinstance(targets, torch.Tensor)
        assert x.device == targets.device == model_device(self)
        return super().forward(x, targets)


def _batches(log, n=3):
    x = torch.linspace(0, 1, 8 * 5 * n).reshape(8 * n, 5)
    return [(_Moved(x[i * 8:(i + 1) * 8], log), _Moved(x[i * 8:(i + 1) * 8, -1], log))
            for i in range(n)]


@pytest.mark.parametrize("device", [None, "cpu", "auto", torch.device("cpu")])
def test_fit_and_evaluate_move_every_batch_to_the_model(no_gpu, device):
    train_log, val_log = [], []
    torch.manual_seed(0)
    model = _Checks(hidden_size=4)
    history = fit(model, _batches(train_log), _batches(val_log, 1),
                  TrainConfig(max_epochs=2, progress=False), device=device)
    assert history.steps == 6
    assert train_log == [torch.device("cpu")] * 12  # x e alvo de cada um dos 6 lotes
    assert val_log == [torch.device("cpu")] * 4  # o lote de validação, em cada época
    assert evaluate(model, _batches(val_log, 1)) == history.best_val


def test_fit_on_cpu_gives_the_same_numbers_as_before():
    """``device="cpu"`` e ``"auto"`` sem GPU não mudam nenhum número (os registros do livro)."""
    losses = []
    for device in (None, "cpu", "auto"):
        torch.manual_seed(0)
        model = WindowRegressor(hidden_size=4)
        history = fit(model, [(b[0].tensor, b[1].tensor) for b in _batches([])],
                      config=TrainConfig(max_epochs=3, progress=False), device=device)
        losses.append(history.train_loss)
    assert losses[0] == losses[1] == losses[2]


def test_fit_refuses_a_missing_gpu_before_training(no_gpu):
    model = WindowRegressor(hidden_size=4)
    before = [p.clone() for p in model.parameters()]
    epochs = []
    with pytest.raises(InputError, match="'cuda' não existe nesta máquina"):
        fit(model, _batches([]), config=TrainConfig(max_epochs=2, progress=False),
            on_epoch_end=lambda epoch, model: epochs.append(epoch), device="cuda")
    assert epochs == []
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


# --- 3. Um checkpoint gravado numa GPU abre sem GPU ----------------------------------------------

KIND = CheckpointKind("WindowRegressor", "exemplo", "um regressor de exemplo", "treinar")


def _saved_on_a_gpu(path, monkeypatch):
    """Grava como o ``torch.save`` de uma GPU: cada bloco de pesos marcado ``cuda:0``."""
    registry = torch.serialization._package_registry
    as_gpu = (0, lambda storage: "cuda:0" if storage.device.type == "cpu" else None,
              lambda storage, location: None)
    with monkeypatch.context() as patch:
        patch.setattr(torch.serialization, "_package_registry", [as_gpu, *registry])
        torch.manual_seed(0)
        model = WindowRegressor(hidden_size=4)
        save_model(path, model, KIND, {"janela": 5})
    return model


def test_a_checkpoint_saved_on_a_gpu_opens_without_one(tmp_path, monkeypatch, no_gpu):
    path = tmp_path / "da_gpu.pt"
    model = _saved_on_a_gpu(path, monkeypatch)
    # a simulação é de verdade: sem map_location, o torch tenta pôr os pesos na GPU e falha
    with pytest.raises(RuntimeError, match="CUDA"):
        torch.load(path, weights_only=True)
    loaded, extra = load_model(path, KIND)
    assert extra["janela"] == 5 and model_device(loaded) == torch.device("cpu")
    for name, weight in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[name], weight), name


def test_load_model_asks_torch_for_the_cpu(tmp_path, monkeypatch):
    """O ``map_location="cpu"`` é pedido sempre, com qualquer ``device``."""
    path = save_model(tmp_path / "m.pt", WindowRegressor(hidden_size=2), KIND)
    asked, real_load = [], torch.load

    def spy(*args, **kwargs):
        asked.append(kwargs.get("map_location"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(checkpoints.torch, "load", spy)
    for device in ("cpu", "auto", torch.device("cpu")):
        model, _ = load_model(path, KIND, device=device)
        assert model_device(model) == torch.device("cpu") and not model.training
    assert asked == ["cpu"] * 3


def test_load_model_refuses_a_missing_gpu_before_reading(tmp_path, no_gpu):
    path = tmp_path / "nao_existe.pt"  # nem chega a procurar o arquivo
    with pytest.raises(InputError, match="'cuda' não existe nesta máquina"):
        load_model(path, KIND, device="cuda")


# --- 4. Toda CLI de treino e de inferência tem --dispositivo -------------------------------------

@pytest.fixture()
def folder(tmp_path):
    """Nomes, um CSV de preços e os três checkpoints, gravados pela própria CLI na CPU."""
    (tmp_path / "nomes.txt").write_text(NAMES + "\n", encoding="utf-8")
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(1)
    dates = pd.bdate_range("2015-01-01", periods=200)
    prices = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
    pd.DataFrame({"data": dates.strftime("%Y-%m-%d"), "preco": prices}).to_csv(
        tmp_path / "precos.csv", index=False)
    assert main(["nomes", "treinar", "--dados", str(tmp_path / "nomes.txt"), *TINY_NAMES,
                 "--saida", str(tmp_path / "nomes.pt"), "--dispositivo", "cpu"]) == 0
    assert main(["extenso", "treinar", *TINY_AMOUNTS, "--saida", str(tmp_path / "extenso.pt"),
                 "--dispositivo", "cpu"]) == 0
    from recorrente.classification import save_name_classifier
    from recorrente.data.names import CharVocab
    from recorrente.models import NameClassifier
    vocab = CharVocab([".", *"abcdefghijklmnopqrstuvwxyz"])
    save_name_classifier(tmp_path / "classificador.pt", NameClassifier(len(vocab), 4), vocab)
    return tmp_path


COMMANDS = {
    "nomes treinar": lambda f: ["nomes", "treinar", "--dados", str(f / "nomes.txt"), *TINY_NAMES,
                                "--saida", str(f / "novo.pt")],
    "nomes gerar": lambda f: ["nomes", "gerar", "--checkpoint", str(f / "nomes.pt"),
                              "--quantos", "3"],
    "nomes avaliar": lambda f: ["nomes", "avaliar", "--checkpoint", str(f / "nomes.pt"),
                                "--dados", str(f / "nomes.txt")],
    "nomes treinar-classificador": lambda f: ["nomes", "treinar-classificador", "--tamanho", "2",
                                              "--segundos", "0.01", "--saida", str(f / "c.pt")],
    "nomes classificar": lambda f: ["nomes", "classificar", "ana", "--checkpoint",
                                    str(f / "classificador.pt")],
    "extenso treinar": lambda f: ["extenso", "treinar", *TINY_AMOUNTS, "--saida",
                                  str(f / "novo.pt")],
    "extenso escrever": lambda f: ["extenso", "escrever", "1,00", "--feixe", "2",
                                   "--checkpoint", str(f / "extenso.pt")],
    "bolsa avaliar": lambda f: ["bolsa", "avaliar", "--csv", str(f / "precos.csv"), "--janela",
                                "5", "--epocas", "1"],
}
#: O que cada comando imprime quando trabalha (e não pode imprimir antes de uma recusa).
WORK = {"nomes treinar": "Treinando", "nomes treinar-classificador": "Treinando",
        "nomes avaliar": "NLL", "nomes classificar": "Fração", "extenso treinar": "Treinando",
        "bolsa avaliar": "Série"}


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_dispositivo_cpu(folder, capsys, command):
    code = main([*COMMANDS[command](folder), "--dispositivo", "cpu"])
    out, err = capsys.readouterr()
    assert code in ((0, 1) if command == "extenso escrever" else (0,)), err  # 1: o modelo errou
    assert "Traceback" not in err and out.strip()


@pytest.mark.parametrize("device", ["cuda", "mps"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_missing_gpu_is_refused_before_any_work(folder, capsys, no_gpu, command, device):
    capsys.readouterr()
    before = sorted(p.name for p in folder.iterdir())
    message = _error(capsys, [*COMMANDS[command](folder), "--dispositivo", device])
    assert f"O dispositivo '{device}' não existe nesta máquina" in message
    assert "use 'cpu', ou 'auto'" in message
    assert sorted(p.name for p in folder.iterdir()) == before  # nenhum checkpoint gravado
    assert WORK.get(command, "@@") not in capsys.readouterr().out


def test_the_help_of_every_command_shows_dispositivo(capsys):
    for command in COMMANDS:
        with pytest.raises(SystemExit):
            main([*command.split(), "--help"])
        assert "--dispositivo {auto,cpu,cuda,mps}" in capsys.readouterr().out, command


def test_an_unknown_dispositivo_is_refused_by_the_parser(capsys):
    message = _error(capsys, ["nomes", "gerar", "--checkpoint", "x.pt", "--dispositivo", "tpu"])
    assert "escolha inválida" in message


# --- 5. Numa GPU de verdade (pulado aqui): cada inferência roda onde o modelo está ---------------

@pytest.mark.skipif(not torch.cuda.is_available(), reason="precisa de uma GPU CUDA")
def test_inference_runs_on_the_gpu(folder):  # pragma: no cover - só numa máquina com GPU
    import numpy as np

    from recorrente.classification import load_name_classifier, predict_shares
    from recorrente.data.names import NameBatches
    from recorrente.forecasting.network import predict
    from recorrente.generation import greedy_name, load_name_model, sample_names
    from recorrente.spelling import load_amount_model, spell_amounts

    names_model, vocab = load_name_model(folder / "nomes.pt", device="cuda")
    cpu_model, _ = load_name_model(folder / "nomes.pt")
    assert model_device(names_model).type == "cuda"
    assert sample_names(names_model, vocab, 5) == sample_names(cpu_model, vocab, 5)
    assert greedy_name(names_model, vocab) == greedy_name(cpu_model, vocab)
    assert evaluate(names_model, NameBatches(["ana", "bia"], vocab, 2)) == pytest.approx(
        evaluate(cpu_model, NameBatches(["ana", "bia"], vocab, 2)), rel=1e-4)
    classifier, vocab = load_name_classifier(folder / "classificador.pt", device="auto")
    assert predict_shares(classifier, ["ana", "bo"], vocab).shape == (2,)
    amounts, _ = load_amount_model(folder / "extenso.pt", device="cuda")
    assert len(spell_amounts(amounts, [100, 250], width=3)) == 2
    regressor = WindowRegressor(hidden_size=4).to("cuda")
    assert predict(regressor, np.zeros((3, 5))).shape == (3,)
