"""Amostragem: reprodutível com semente, temperatura e prefixo validados, checkpoint de nomes."""

from __future__ import annotations

import pytest
import torch

from recorrente.checkpoints import save_checkpoint
from recorrente.data.names import CharVocab
from recorrente.errors import InputError
from recorrente.generation import (
    GREEDY_BELOW,
    greedy_name,
    load_name_model,
    sample_names,
    sample_quality,
)
from recorrente.models import SequenceModel


@pytest.fixture()
def model_and_vocab():
    vocab = CharVocab.from_names(["ana", "bia", "caio", "davi"])
    torch.manual_seed(0)
    return SequenceModel(len(vocab), len(vocab), hidden_size=16), vocab


def test_sampling_is_reproducible(model_and_vocab):
    model, vocab = model_and_vocab
    a = sample_names(model, vocab, 20, temperature=1.3, seed=7)
    assert a == sample_names(model, vocab, 20, temperature=1.3, seed=7)
    assert a != sample_names(model, vocab, 20, temperature=1.3, seed=8)
    assert all(set(name) <= set(vocab.chars[1:]) for name in a)


def test_prefix_top_k_and_max_length(model_and_vocab):
    model, vocab = model_and_vocab
    names = sample_names(model, vocab, 10, prefix="Da", top_k=2, seed=0, max_length=6)
    assert all(name.startswith("da") and len(name) <= 6 for name in names)
    greedy = sample_names(model, vocab, 5, top_k=1, seed=0)
    assert len(set(greedy)) == 1  # top-1 é determinístico: todos iguais


@pytest.mark.parametrize("temperature", [0, -1.0, float("nan"), float("inf")])
def test_invalid_temperature(model_and_vocab, temperature):
    model, vocab = model_and_vocab
    with pytest.raises(InputError, match="Temperatura inválida"):
        sample_names(model, vocab, 3, temperature=temperature)


@pytest.mark.parametrize("temperature", [GREEDY_BELOW / 2, 1e-45, 1e-300, 5e-324])
def test_tiny_temperature_is_greedy(model_and_vocab, temperature):
    """Uma temperatura minúscula não estoura os logits: dá o nome guloso, em todas as linhas."""
    model, vocab = model_and_vocab
    names = sample_names(model, vocab, 4, temperature=temperature, prefix="d", seed=3)
    assert names == [greedy_name(model, vocab, "d")] * 4


def test_prefix_outside_vocabulary(model_and_vocab):
    model, vocab = model_and_vocab
    with pytest.raises(InputError, match="não conhece"):
        sample_names(model, vocab, 3, prefix="zé")
    with pytest.raises(InputError):
        sample_names(model, vocab, 3, prefix="a.b")


def test_quality_table():
    table = sample_quality({0.5: ["ana", "ana"], 1.0: ["bia", "xyz"]}, ["ana"], ["ana", "bia"])
    assert table.loc[0.5, "no treino"] == 1.0 and table.loc[0.5, "distintos"] == 0.5
    assert table.loc[1.0, "reais fora do treino"] == 0.5 and table.loc[1.0, "inéditos"] == 0.5
    assert table.loc[1.0, "tamanho médio"] == 3.0


def test_quality_table_with_labels_and_length_range():
    """Rótulos de texto (n-gramas ao lado da rede) e tamanhos que nenhum nome real tem."""
    samples = {"rede": ["ana", "bia"], "trigrama": ["an", "bia", "anabiaana"]}
    table = sample_quality(samples, ["ana"], ["ana", "bia", "caio"], index_name="modelo")
    assert table.index.name == "modelo" and list(table.index) == ["rede", "trigrama"]
    assert table.loc["rede", "fora da faixa de tamanho"] == 0.0
    assert table.loc["trigrama", "fora da faixa de tamanho"] == pytest.approx(2 / 3)


def test_checkpoint_round_trip(model_and_vocab, tmp_path):
    model, vocab = model_and_vocab
    path = save_checkpoint(tmp_path / "m.pt", model, {"task": "nomes", "vocab": vocab.to_dict()})
    loaded, loaded_vocab = load_name_model(path)
    assert loaded_vocab == vocab
    assert sample_names(loaded, vocab, 5, seed=3) == sample_names(model, vocab, 5, seed=3)
    other = save_checkpoint(tmp_path / "outro.pt", model, {"task": "bolsa"})
    with pytest.raises(InputError, match="não de um modelo que gera nomes"):
        load_name_model(other)
