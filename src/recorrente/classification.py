"""Classificar nomes pela fração feminina do censo: perda com alvo suave, métricas e linhas de base.

O alvo de cada nome não é um rótulo, é uma fração: $q$, a parte das pessoas com
esse nome que o Censo 2010 registrou no sexo feminino. O modelo estima
$p = \\sigma(z)$ a partir de um logit $z$, e a perda é a entropia cruzada contra
o alvo suave,

$$ \\ell(z, q) = -\\,q \\ln \\sigma(z) - (1 - q) \\ln \\sigma(-z), $$

a mesma entropia cruzada de duas classes, com a distribuição $(q, 1 - q)$ no
lugar de um rótulo. As métricas leem as estimativas ``predicted`` (frações entre
0 e 1) contra as frações do censo ``shares``:

- :func:`name_accuracy`: em quantos nomes a classe escolhida (feminino se
  $p \\ge 0{,}5$) é a da maioria; cada nome conta uma vez;
- :func:`person_accuracy`: a fração das pessoas cujo registro coincide com a classe
  escolhida para o nome delas (pesos: quantas pessoas têm cada nome);
- :func:`log_loss`: a perda acima, em nats, com as estimativas já em fração;
- :func:`reliability_table` e :func:`expected_calibration_error`: a calibração.

As linhas de base (:class:`MajorityBaseline`, :class:`LastLetterRule`,
:class:`SuffixLogisticRegression`, com a busca na validação de
:func:`tune_logistic_regression`) e o modelo recorrente
(:class:`recorrente.models.NameClassifier`, via :func:`predict_shares`) devolvem
estimativas do mesmo tipo, e as mesmas funções medem todos.

Exemplo:
    >>> import numpy as np
    >>> shares = np.array([1.0, 0.0, 0.7])   # fração feminina no censo
    >>> predicted = np.array([0.9, 0.2, 0.4])
    >>> name_accuracy(predicted, shares)      # o terceiro nome é de maioria feminina
    0.6666666666666666
    >>> round(person_accuracy(predicted, shares, [10, 10, 20]), 2)  # 10 + 10 + 6 de 40
    0.65
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from recorrente.checkpoints import CheckpointKind, load_model, save_model
from recorrente.data.names import CharVocab
from recorrente.errors import InputError
from recorrente.models import NameClassifier
from recorrente.module_tools import evaluating, model_device

__all__ = [
    "NAME_CLASSIFIER",
    "LOGISTIC_GRID",
    "LastLetterRule",
    "MajorityBaseline",
    "SuffixLogisticRegression",
    "expected_calibration_error",
    "female_shares",
    "load_name_classifier",
    "log_loss",
    "name_accuracy",
    "name_log_losses",
    "person_accuracy",
    "predict_shares",
    "reliability_table",
    "save_name_classifier",
    "tune_logistic_regression",
]

NAME_CLASSIFIER = CheckpointKind("NameClassifier", "classificar-nomes", "um classificador de nomes",
                                 "recorrente nomes treinar-classificador")
"""O tipo do checkpoint de um classificador de nomes."""

_EPS = 1e-7  # estimativas 0 e 1 exatas dariam log-loss infinita


def _arrays(predicted, shares) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(predicted, dtype=np.float64).reshape(-1)
    q = np.asarray(shares, dtype=np.float64).reshape(-1)
    if p.shape != q.shape:
        raise InputError(f"São {p.size} estimativas e {q.size} frações; dê uma para cada nome.")
    if p.size == 0:
        raise InputError("Não há nomes para medir.")
    return p, q


def _chosen_share(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """A fração do censo do lado escolhido: ``q`` se a escolha é feminino, ``1 - q`` se não."""
    return np.where(p >= 0.5, q, 1.0 - q)


def name_accuracy(
    predicted: Sequence[float] | np.ndarray, shares: Sequence[float] | np.ndarray
) -> float:
    """Fração dos nomes em que a classe escolhida é a da maioria no censo (cada nome vale 1).

    A classe escolhida é feminino quando a estimativa é pelo menos 0,5. Num nome com
    exatamente metade de cada sexo, qualquer escolha é a da maioria.

    Parâmetros:
        predicted: a fração feminina estimada de cada nome.
        shares: a fração feminina de cada nome no censo.

    Retorna:
        O acerto por nome, entre 0 e 1.

    Exemplo:
        >>> name_accuracy([0.9, 0.6, 0.1], [0.8, 0.5, 0.6])  # o 3º escolhe o masculino
        0.6666666666666666
    """
    p, q = _arrays(predicted, shares)
    return float(np.mean(_chosen_share(p, q) >= 0.5))


def person_accuracy(
    predicted: Sequence[float] | np.ndarray,
    shares: Sequence[float] | np.ndarray,
    people: Sequence[float] | np.ndarray,
) -> float:
    """Fração das pessoas cujo sexo registrado é a classe escolhida para o nome delas.

    Cada nome pesa pelo número de pessoas que o têm: com "maria" escolhido como
    feminino, acertam-se todas as Marias registradas no feminino e erram-se as
    registradas no masculino. Escolher sempre a maioria de cada nome dá o teto.

    Parâmetros:
        predicted: a fração feminina estimada de cada nome.
        shares: a fração feminina de cada nome no censo.
        people: quantas pessoas têm cada nome.

    Retorna:
        O acerto por pessoa, entre 0 e 1.

    Exemplo:
        >>> person_accuracy([0.9, 0.2], [0.75, 0.5], [100, 20])  # (75 + 10) / 120
        0.7083333333333334
    """
    p, q = _arrays(predicted, shares)
    w = np.asarray(people, dtype=np.float64).reshape(-1)
    if w.shape != p.shape:
        raise InputError(f"São {p.size} nomes e {w.size} contagens; dê uma para cada nome.")
    return float(np.sum(w * _chosen_share(p, q)) / np.sum(w))


def log_loss(
    predicted: Sequence[float] | np.ndarray,
    shares: Sequence[float] | np.ndarray,
    people: Sequence[float] | np.ndarray | None = None,
) -> float:
    """Entropia cruzada média (nats) das estimativas contra as frações do censo.

    É :func:`soft_cross_entropy` com as estimativas já em fração; para não dar
    infinito, cada estimativa fica entre $10^{-7}$ e $1 - 10^{-7}$. O menor valor
    possível não é 0: é a entropia das próprias frações, ``log_loss(shares, shares)``.

    Parâmetros:
        predicted: a fração feminina estimada de cada nome.
        shares: a fração feminina de cada nome no censo.
        people: pesos opcionais (pessoas por nome); ``None``: cada nome vale 1.

    Retorna:
        A média, em nats por nome (ou por pessoa, com ``people``).

    Exemplo:
        >>> import math
        >>> expected = (math.log(2) - math.log(0.9)) / 2   # -(ln 0,5 + ln 0,9) / 2
        >>> round(log_loss([0.5, 0.9], [1.0, 1.0]), 6) == round(expected, 6)
        True
        >>> round(log_loss([0.5], [0.5]), 4)  # o piso de um nome meio a meio: ln 2
        0.6931
    """
    return float(np.average(name_log_losses(predicted, shares), weights=people))


def name_log_losses(
    predicted: Sequence[float] | np.ndarray, shares: Sequence[float] | np.ndarray
) -> np.ndarray:
    """A perda de cada nome, em nats: a parcela de :func:`log_loss` de um nome só.

    Serve para comparar dois modelos nos mesmos nomes (por exemplo, com
    :func:`recorrente.stats.paired_bootstrap`).

    Exemplo:
        >>> import math
        >>> losses = name_log_losses([0.5, 0.9], [1.0, 1.0])
        >>> bool(math.isclose(losses[0], math.log(2)))
        True
        >>> bool(math.isclose(losses[1], -math.log(0.9)))
        True
    """
    p, q = _arrays(predicted, shares)
    p = np.clip(p, _EPS, 1 - _EPS)
    return -(q * np.log(p) + (1 - q) * np.log1p(-p))


def reliability_table(
    predicted: Sequence[float] | np.ndarray,
    shares: Sequence[float] | np.ndarray,
    num_bins: int = 10,
) -> pd.DataFrame:
    """As estimativas agrupadas em faixas iguais de 0 a 1, com a fração média do censo em cada uma.

    Num modelo **calibrado**, os nomes a que ele dá 0,8 têm, em média, 80% de registros
    femininos: a coluna ``"fração no censo"`` acompanha a ``"estimativa média"``. É a
    tabela do diagrama de confiabilidade
    (:func:`recorrente.plotting.classification.reliability_diagram`).

    Parâmetros:
        predicted: a fração feminina estimada de cada nome.
        shares: a fração feminina de cada nome no censo.
        num_bins: quantas faixas; a última inclui o 1.

    Retorna:
        Uma linha por faixa com nomes: ``"de"``, ``"até"``, ``"nomes"``,
            ``"estimativa média"`` e ``"fração no censo"``.

    Exemplo:
        >>> reliability_table([0.1, 0.15, 0.9], [0.0, 0.5, 1.0], num_bins=2)
            de  até  nomes  estimativa média  fração no censo
        0  0.0  0.5      2             0.125             0.25
        1  0.5  1.0      1             0.900             1.00
    """
    p, q = _arrays(predicted, shares)
    if num_bins < 1:
        raise ValueError(f"num_bins precisa ser ≥ 1; recebi {num_bins}.")
    edges = np.linspace(0.0, 1.0, num_bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, num_bins - 1)
    rows = []
    for b in range(num_bins):
        inside = which == b
        if inside.any():
            rows.append(
                {
                    "de": edges[b],
                    "até": edges[b + 1],
                    "nomes": int(inside.sum()),
                    "estimativa média": p[inside].mean(),
                    "fração no censo": q[inside].mean(),
                }
            )
    return pd.DataFrame(rows)


def expected_calibration_error(
    predicted: Sequence[float] | np.ndarray,
    shares: Sequence[float] | np.ndarray,
    num_bins: int = 10,
) -> float:
    """Erro de calibração esperado (ECE): a distância média entre estimativa e censo, por faixa.

    $\\mathrm{ECE} = \\sum_b \\frac{n_b}{N} \\left| \\bar p_b - \\bar q_b \\right|$, com as
    faixas de :func:`reliability_table`: $n_b$ nomes na faixa $b$, estimativa média
    $\\bar p_b$ e fração média do censo $\\bar q_b$.

    Parâmetros:
        predicted: a fração feminina estimada de cada nome.
        shares: a fração feminina de cada nome no censo.
        num_bins: quantas faixas iguais entre 0 e 1.

    Retorna:
        O ECE, entre 0 (calibrado) e 1.

    Exemplo:
        >>> round(expected_calibration_error([0.1, 0.15, 0.9], [0.0, 0.5, 1.0], num_bins=2), 4)
        0.1167
    """
    bins = reliability_table(predicted, shares, num_bins)
    weights = bins["nomes"] / bins["nomes"].sum()
    return float((weights * (bins["estimativa média"] - bins["fração no censo"]).abs()).sum())


def female_shares(names: Sequence[str], counts: dict[str, tuple[int, int]]) -> np.ndarray:
    """A fração feminina de cada nome, lida das contagens ``nome → (feminino, masculino)``.

    Parâmetros:
        names: os nomes.
        counts: as contagens, como :func:`recorrente.data.names.load_census_sex_counts`.

    Retorna:
        Um vetor com uma fração por nome.

    Exemplo:
        >>> female_shares(["ana", "caio"], {"ana": (98, 2), "caio": (0, 50)}).tolist()
        [0.98, 0.0]
    """
    return np.array([counts[n][0] / (counts[n][0] + counts[n][1]) for n in names])


class MajorityBaseline:
    """Ignora o nome: estima para todos a fração feminina média dos nomes de treino.

    A classe escolhida é sempre a mesma, a da maioria dos nomes de treino.

    Exemplo:
        >>> MajorityBaseline().fit(["ana", "bia", "caio"], [1.0, 1.0, 0.1]).predict(["zoe"])
        array([0.7])
    """

    def __init__(self) -> None:
        self.share = 0.5

    def fit(self, names: Sequence[str], shares: Sequence[float]) -> MajorityBaseline:
        """Guarda a fração média de ``shares``; devolve o próprio modelo."""
        self.share = float(np.mean(shares))
        return self

    def predict(self, names: Sequence[str]) -> np.ndarray:
        """A mesma estimativa para cada nome."""
        return np.full(len(names), self.share)


class LastLetterRule:
    """Olha só a última letra: estima a fração feminina média dos nomes de treino com ela.

    Uma letra que não apareceu no fim de nenhum nome de treino recebe a média geral.

    Exemplo:
        >>> rule = LastLetterRule().fit(["ana", "bia", "caio", "davi"], [1.0, 0.9, 0.0, 0.1])
        >>> rule.predict(["julia", "joao", "rafael"]).round(2).tolist()
        [0.95, 0.0, 0.5]
    """

    def __init__(self) -> None:
        self.by_letter: dict[str, float] = {}
        self.default = 0.5

    def fit(self, names: Sequence[str], shares: Sequence[float]) -> LastLetterRule:
        """Calcula a média por última letra; devolve o próprio modelo."""
        frame = pd.DataFrame({"letter": [n[-1] for n in names], "share": shares})
        self.by_letter = frame.groupby("letter")["share"].mean().to_dict()
        self.default = float(frame["share"].mean())
        return self

    def predict(self, names: Sequence[str]) -> np.ndarray:
        """A média da última letra de cada nome."""
        return np.array([self.by_letter.get(n[-1], self.default) for n in names])


class SuffixLogisticRegression:
    """Regressão logística (scikit-learn) sobre os sufixos do nome, com alvo suave.

    Cada nome vira um saco de características binárias: seus finais de 1 a
    ``max_suffix`` letras (``"a"``, ``"na"``, ``"ana"``, ...) e seus começos de 1 a
    ``max_prefix`` letras. O alvo suave entra como duas linhas por nome, uma
    "feminino" com peso $q$ e uma "masculino" com peso $1 - q$: a perda que o
    scikit-learn minimiza fica exatamente a entropia cruzada contra $q$ (mais a
    regularização L2, de força ``1 / C``).

    Parâmetros:
        max_suffix: o maior final usado.
        max_prefix: o maior começo usado (0: nenhum).
        C: o inverso da força da regularização.

    Exemplo:
        >>> names = ["ana", "mariana", "joao", "pedro", "luana", "leandro"]
        >>> shares = [1.0, 1.0, 0.0, 0.0, 1.0, 0.0]
        >>> model = SuffixLogisticRegression(C=10.0).fit(names, shares)
        >>> bool(model.predict(["juliana"])[0] > 0.5), bool(model.predict(["alessandro"])[0] < 0.5)
        (True, True)
    """

    def __init__(self, max_suffix: int = 4, max_prefix: int = 0, C: float = 1.0) -> None:
        from sklearn.feature_extraction import DictVectorizer

        self.max_suffix, self.max_prefix, self.C = max_suffix, max_prefix, C
        self.vectorizer = DictVectorizer()
        self.model = None

    def features(self, name: str) -> dict[str, int]:
        """As características de um nome: ``"-ana"`` para um final, ``"ana-"`` para um começo."""
        out = {"-" + name[-k:]: 1 for k in range(1, min(self.max_suffix, len(name)) + 1)}
        out |= {name[:k] + "-": 1 for k in range(1, min(self.max_prefix, len(name)) + 1)}
        return out

    def fit(self, names: Sequence[str], shares: Sequence[float]) -> SuffixLogisticRegression:
        """Ajusta a regressão (L-BFGS, determinística); devolve o próprio modelo."""
        from scipy.sparse import vstack
        from sklearn.linear_model import LogisticRegression

        q = np.asarray(shares, dtype=np.float64)
        x = self.vectorizer.fit_transform([self.features(n) for n in names])
        self.model = LogisticRegression(C=self.C, max_iter=1000)
        self.model.fit(
            vstack([x, x]), np.r_[np.ones(len(q)), np.zeros(len(q))], sample_weight=np.r_[q, 1 - q]
        )
        return self

    def predict(self, names: Sequence[str]) -> np.ndarray:
        """A fração feminina estimada de cada nome."""
        if self.model is None:
            raise InputError("A regressão ainda não foi ajustada; chame fit antes de predict.")
        x = self.vectorizer.transform([self.features(n) for n in names])
        return self.model.predict_proba(x)[:, 1]


LOGISTIC_GRID: tuple[dict[str, float], ...] = tuple(
    {"max_suffix": suffix, "max_prefix": prefix, "C": c}
    for suffix, prefix in ((5, 2), (7, 3))
    for c in (1.0, 3.0)
)
"""As configurações da busca da regressão logística no capítulo 5: finais de até 5 letras e
começos de até 2, ou finais de até 7 e começos de até 3, cada um com $C = 1$ e $C = 3$."""


def tune_logistic_regression(
    train_names: Sequence[str],
    train_shares: Sequence[float],
    val_names: Sequence[str],
    val_shares: Sequence[float],
    grid: Sequence[dict[str, float]] = LOGISTIC_GRID,
) -> tuple[SuffixLogisticRegression, pd.DataFrame]:
    """Busca pequena na validação: ajusta uma regressão por configuração e fica com a melhor.

    Cada configuração (argumentos de :class:`SuffixLogisticRegression`) é ajustada nos nomes de
    treino e medida nos de validação; a escolhida é a de menor log-loss de validação (no empate,
    a primeira da lista). O teste não entra na escolha.

    Parâmetros:
        train_names: os nomes de treino.
        train_shares: a fração feminina de cada nome de treino.
        val_names: os nomes de validação.
        val_shares: a fração feminina de cada nome de validação.
        grid: as configurações, uma por busca (padrão: :data:`LOGISTIC_GRID`).

    Retorna:
        O modelo escolhido, já ajustado no treino, e uma tabela com uma linha por
            configuração (``max_suffix``, ``max_prefix``, ``C``, ``log-loss (validação)``,
            ``acerto por nome (validação)`` e ``escolhida``).

    Levanta:
        InputError: a lista de configurações está vazia.

    Exemplo:
        >>> names = ["ana", "mariana", "luana", "joao", "pedro", "leandro"]
        >>> shares = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
        >>> grid = [{"max_suffix": 1, "C": 1e-6}, {"max_suffix": 2, "C": 100.0}]
        >>> model, found = tune_logistic_regression(names, shares, ["juliana", "alessandro"],
        ...                                         [1.0, 0.0], grid)
        >>> model.C, found["escolhida"].tolist()
        (100.0, [False, True])
    """
    if not grid:
        raise InputError("A busca precisa de pelo menos uma configuração.")
    models, rows = [], []
    for config in grid:
        model = SuffixLogisticRegression(**config).fit(train_names, train_shares)
        predicted = model.predict(val_names)
        models.append(model)
        rows.append({"max_suffix": model.max_suffix, "max_prefix": model.max_prefix,
                     "C": model.C, "log-loss (validação)": log_loss(predicted, val_shares),
                     "acerto por nome (validação)": name_accuracy(predicted, val_shares)})
    found = pd.DataFrame(rows)
    best = int(np.argmin(found["log-loss (validação)"].to_numpy()))
    found["escolhida"] = found.index == best
    return models[best], found


def predict_shares(
    model: NameClassifier, names: Sequence[str], vocab: CharVocab, batch_size: int = 4096
) -> np.ndarray:
    """A fração feminina que o modelo estima para cada nome, na ordem de ``names``.

    Parâmetros:
        model: um :class:`recorrente.models.NameClassifier`.
        names: os nomes, com caracteres de ``vocab``.
        vocab: o vocabulário do modelo.
        batch_size: nomes por lote (só muda a velocidade).

    Retorna:
        Um vetor de frações, $\\sigma(z)$ de cada nome.

    Levanta:
        InputError: se um nome é vazio ou tem caracteres fora do vocabulário.

    Exemplo:
        >>> from recorrente.data.names import CharVocab
        >>> from recorrente.models import NameClassifier
        >>> vocab = CharVocab.from_names(["ana", "bo"])
        >>> model = NameClassifier(len(vocab), hidden_size=4)
        >>> predict_shares(model, ["ana", "bo", "ana"], vocab, batch_size=2).shape
        (3,)
    """
    out = []
    device = model_device(model)
    with evaluating(model):
        for start in range(0, len(names), batch_size):
            x = vocab.encode_padded(list(names[start : start + batch_size])).to(device)
            logits, _ = model(x)
            out.append(torch.sigmoid(logits).cpu())
    return torch.cat(out).double().numpy() if out else np.zeros(0)


def save_name_classifier(
    path: str | Path, model: NameClassifier, vocab: CharVocab, *, overwrite: bool = False
) -> Path:
    """Grava um classificador de nomes com o vocabulário e a divisão do censo.

    Parâmetros:
        path: caminho do arquivo.
        model: o :class:`~recorrente.models.NameClassifier` treinado.
        vocab: o vocabulário com que ele foi treinado.
        overwrite: se ``True``, substitui um arquivo que já existe.

    Retorna:
        O caminho gravado.

    Exemplo:
        >>> import tempfile
        >>> names = ["ana", "bia"]
        >>> vocab = CharVocab.from_names(names)
        >>> model = NameClassifier(len(vocab), hidden_size=4, bidirectional=True)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     c = save_name_classifier(Path(folder) / "c.pt", model, vocab)
        ...     copy, copy_vocab = load_name_classifier(c)
        >>> before = predict_shares(model, names, vocab)
        >>> np.array_equal(predict_shares(copy, names, copy_vocab), before)  # prevê o mesmo
        True
    """
    return save_model(path, model, NAME_CLASSIFIER, vocab.checkpoint_extra(), overwrite=overwrite)


def _read_vocab(extra: dict, model: NameClassifier) -> CharVocab:
    """O vocabulário gravado, do tamanho que o embedding do modelo espera."""
    return CharVocab.from_checkpoint(extra, size=model.config["vocab_size"])


def load_name_classifier(
    path: str | Path, *, device: str | torch.device = "cpu"
) -> tuple[NameClassifier, CharVocab]:
    """Carrega um classificador gravado por ``recorrente nomes treinar-classificador``.

    Parâmetros:
        path: caminho do checkpoint.
        device: para onde o modelo vai depois de carregado na CPU (``"auto"``: uma GPU
            quando há).

    Retorna:
        O modelo, em modo de avaliação, e o vocabulário com que foi treinado.

    Levanta:
        InputError: se o arquivo não existe, não é de um classificador de nomes (um modelo
            que gera nomes, por exemplo) ou não passa na validação de
            :func:`recorrente.checkpoints.load_model`.

    Exemplo:
        >>> import tempfile
        >>> vocab = CharVocab.from_names(["ana", "bia"])
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = save_name_classifier(Path(folder) / "c.pt", NameClassifier(5), vocab)
        ...     loaded, loaded_vocab = load_name_classifier(path)
        >>> loaded.training, len(loaded_vocab)
        (False, 5)
    """
    return load_model(path, NAME_CLASSIFIER, _read_vocab, device=device)
