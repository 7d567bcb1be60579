"""Números como o leitor brasileiro lê: vírgula decimal, ponto de milhar, "—" para o que falta.

Um leitor daqui lê "1.771" como mil setecentos e setenta e um. Todo número que o livro
mostra (na prosa, nas linhas impressas, nas tabelas e nos eixos dos gráficos) passa por
este módulo, que é a única casa dessa regra:

- :func:`num` para um número com casas fixas (``0,225``; ``5.031``);
- :func:`sci` para a notação científica (``2,07e-32``);
- :func:`pct` para uma fração mostrada em porcentagem (``87,5%``);
- :func:`vec` para um vetor (``[0,6291; 0,8989; -0,8216]``: ponto e vírgula separa os números);
- :func:`mean_range` para o resumo de várias sementes: média e faixa (``0,33 (0,31–0,35)``);
- :func:`table` para mostrar um ``DataFrame`` com tudo isso (:func:`text_table`, no terminal);
- :class:`DecimalCommaFormatter` para os eixos (as figuras do livro já o usam).

Valores ausentes (``None``, ``NaN``) saem como "—", nunca "NaN".

Exemplo:
    >>> from recorrente.formatting import mean_range, num, pct, sci
    >>> num(0.2254), num(1771, 0), pct(0.875), sci(2.07e-32)
    ('0,225', '1.771', '87,5%', '2,07e-32')
    >>> mean_range([0.315, 0.35, 0.333])
    '0,333 (0,315–0,350)'
    >>> num(float("nan"))
    '—'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any

import pandas as pd
from matplotlib.ticker import ScalarFormatter

__all__ = [
    "MISSING",
    "DecimalCommaFormatter",
    "mean_range",
    "num",
    "p_value",
    "pct",
    "sci",
    "table",
    "text_table",
    "vec",
]

MISSING = "—"
"""O que aparece no lugar de um valor ausente (``None`` ou ``NaN``)."""

_SWAP = str.maketrans({".": ",", ",": "."})


def _float(value: Any) -> float:
    """``float(value)``; um tensor é separado do grafo antes (``.detach()``).

    Sem o ``detach``, converter uma perda recém-calculada (``requires_grad=True``) emitia um
    ``UserWarning`` do PyTorch, que aparecia na página do capítulo.
    """
    detach = getattr(value, "detach", None)
    if callable(detach):
        value = detach()
    return float(value)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(_float(value))
    except (TypeError, ValueError):
        return False


def _ptbr(text: str) -> str:
    """Troca a vírgula de milhar e o ponto decimal do formato inglês (``1,234.5`` → ``1.234,5``)."""
    return text.translate(_SWAP)


def num(value: Real | None, decimals: int = 3) -> str:
    """Um número com ``decimals`` casas, vírgula decimal e ponto de milhar.

    Parâmetros:
        value: o número (``None`` ou ``NaN`` viram "—"); um tensor de um elemento também
            serve, mesmo com ``requires_grad`` (uma perda), sem aviso do PyTorch.
        decimals: casas depois da vírgula.

    Retorna:
        O texto, pronto para uma linha impressa ou uma tabela.

    Exemplo:
        >>> num(3.14159, 2), num(-0.5, 1), num(1234567.891, 2), num(None)
        ('3,14', '-0,5', '1.234.567,89', '—')
        >>> f"{num(0.25):>8}"  # alinha como qualquer texto
        '   0,250'
        >>> num(-0.00004, 4)  # arredondou para zero: sem o sinal de um "-0,0000"
        '0,0000'
    """
    if _missing(value):
        return MISSING
    value = _float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:,.{decimals}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return _ptbr(text)


def sci(value: Real | None, decimals: int = 2) -> str:
    """Notação científica com vírgula decimal (``2,07e-32``).

    Parâmetros:
        value: o número (``None`` ou ``NaN`` viram "—").
        decimals: casas da mantissa depois da vírgula.

    Retorna:
        O texto, como ``f"{value:.2e}"`` com vírgula no lugar do ponto.

    Exemplo:
        >>> sci(0.000123), sci(6.02e23, 1), sci(0.0)
        ('1,23e-04', '6,0e+23', '0,00e+00')
    """
    if _missing(value):
        return MISSING
    return _ptbr(f"{_float(value):.{decimals}e}")


def pct(value: Real | None, decimals: int = 1) -> str:
    """Uma fração (0,875) mostrada como porcentagem (``87,5%``).

    Parâmetros:
        value: a fração entre 0 e 1 (``None`` ou ``NaN`` viram "—").
        decimals: casas depois da vírgula.

    Retorna:
        O texto com o sinal de porcentagem colado ao número, como se escreve no Brasil.

    Exemplo:
        >>> pct(0.875), pct(0.05234, 2), pct(1.0, 0)
        ('87,5%', '5,23%', '100%')
    """
    if _missing(value):
        return MISSING
    return num(100 * _float(value), decimals) + "%"


def p_value(value: Real | None) -> str:
    """Um p-valor: 3 casas, ou notação científica abaixo de 0,001 (nunca um "0,000").

    Parâmetros:
        value: o p-valor (``None`` ou ``NaN`` viram "—").

    Retorna:
        O texto: a ordem de grandeza de um p muito pequeno continua à vista.

    Exemplo:
        >>> p_value(0.0532), p_value(0.00041), p_value(1.8e-74), p_value(None)
        ('0,053', '4,10e-04', '1,80e-74', '—')
    """
    if _missing(value):
        return MISSING
    value = _float(value)
    return num(value, 3) if value >= 0.001 else sci(value)


def vec(values: Iterable[Real] | Any, decimals: int = 4) -> str:
    """Um vetor (lista, array ou tensor 1-D) com vírgula decimal e ``;`` entre os números.

    Com a vírgula decimal, separar os números também por vírgula seria ambíguo; o
    ponto e vírgula é o separador de listas usado no Brasil.

    Parâmetros:
        values: os números; um tensor ou array é lido com ``.tolist()``.
        decimals: casas depois da vírgula.

    Retorna:
        O texto entre colchetes.

    Exemplo:
        >>> import torch
        >>> vec(torch.tensor([0.62911, 0.89888, -0.82164]))
        '[0,6291; 0,8989; -0,8216]'
        >>> vec([1, 2.5], 1)
        '[1,0; 2,5]'
    """
    if hasattr(values, "detach"):
        values = values.detach()
    if hasattr(values, "tolist"):
        values = values.tolist()
    return "[" + "; ".join(num(v, decimals) for v in values) + "]"


def mean_range(values: Iterable[Real], decimals: int = 3, *, percent: bool = False) -> str:
    """Resumo de várias sementes: a média e, entre parênteses, o menor e o maior valor.

    Parâmetros:
        values: um valor por semente (os ausentes são ignorados; se todos faltam, "—").
        decimals: casas depois da vírgula.
        percent: mostra as frações como porcentagens.

    Retorna:
        O texto ``média (mínimo–máximo)``.

    Exemplo:
        >>> mean_range([0.98, 0.52, 0.75])
        '0,750 (0,520–0,980)'
        >>> mean_range([0.5, 0.75], 0, percent=True)
        '62% (50%–75%)'
    """
    present = [_float(v) for v in values if not _missing(v)]
    if not present:
        return MISSING
    show = (lambda v: pct(v, decimals)) if percent else (lambda v: num(v, decimals))
    mean = sum(present) / len(present)
    return f"{show(mean)} ({show(min(present))}–{show(max(present))})"


def table(
    df: pd.DataFrame,
    decimals: int | Mapping[str, int] = 3,
    *,
    percent: Iterable[str] = (),
    p_values: Iterable[str] = (),
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
) -> Any:
    """Prepara um ``DataFrame`` para o leitor: vírgula decimal, "—" no que falta.

    Os dados não mudam (o ``DataFrame`` continua numérico para quem quiser calcular);
    o que volta é um ``Styler`` do pandas, que o Jupyter mostra como tabela.

    Parâmetros:
        df: a tabela com números.
        decimals: casas para todas as colunas, ou um dicionário coluna → casas
            (as colunas que ficarem de fora usam 3). Um inteiro (uma contagem) sai sem
            casas, a não ser que o dicionário dê casas à coluna dele.
        percent: colunas de frações a mostrar como porcentagem (com 1 casa, salvo
            se ``decimals`` disser outra coisa para elas).
        p_values: colunas de p-valores, mostradas por :func:`p_value`.
        labels: como mostrar os rótulos das linhas e colunas e os nomes dos eixos (um
            dicionário ou uma função), por exemplo as chaves em inglês de um pacote →
            português; os ``decimals`` e ``percent`` continuam usando os nomes originais.

    Retorna:
        Um ``pandas.io.formats.style.Styler``; ``.to_html()`` dá o HTML.

    Exemplo:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"RMSE": [0.3331, float("nan")], "acerto": [0.875, 0.9]},
        ...                   index=["AR", "LSTM"])
        >>> html = table(df, {"RMSE": 3}, percent=["acerto"]).to_html()
        >>> "0,333" in html and "87,5%" in html and "—" in html and "nan" not in html.lower()
        True
        >>> "Persistência" in table(df, labels={"AR": "Persistência"}).to_html()
        True
        >>> ">1.200<" in table(pd.DataFrame({"atualizações": [600, 1200]})).to_html()
        True
    """
    cells, show_label = _formatters(df, decimals, percent, labels, p_values)
    return (
        _relabel_axes(df, show_label)
        .style.format(cells, na_rep=MISSING)
        .format_index(show_label, axis=0)
        .format_index(show_label, axis=1)
    )


def text_table(
    df: pd.DataFrame,
    decimals: int | Mapping[str, int] = 3,
    *,
    percent: Iterable[str] = (),
    p_values: Iterable[str] = (),
    labels: Mapping[str, str] | Callable[[str], str] | None = None,
) -> str:
    """A mesma tabela de :func:`table`, como texto alinhado (para o terminal, na CLI).

    Parâmetros:
        df: a tabela com números.
        decimals: casas para todas as colunas, ou um dicionário coluna → casas.
        percent: colunas de frações a mostrar como porcentagem.
        p_values: colunas de p-valores, mostradas por :func:`p_value`.
        labels: como mostrar os rótulos das linhas e colunas e os nomes dos eixos
            (dicionário ou função).

    Retorna:
        O texto de ``DataFrame.to_string`` com os números já em português.

    Exemplo:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"RMSE": [1771.25, float("nan")]}, index=["ar_linear", "lstm"])
        >>> print(text_table(df, 2, labels=str.upper))
                       RMSE
        AR_LINEAR  1.771,25
        LSTM              —
    """
    cells, show_label = _formatters(df, decimals, percent, labels, p_values)
    shown = pd.DataFrame(
        {column: [cells[column](v) for v in df[column]] for column in df.columns},
        index=df.index,
    )
    shown = _relabel_axes(shown, show_label)
    return shown.rename(index=show_label, columns=show_label).to_string()


def _relabel_axes(df: pd.DataFrame, show_label: Callable[[Any], Any]) -> pd.DataFrame:
    """Os nomes dos eixos (``df.index.name``, ``df.columns.name``) com os mesmos rótulos."""

    def names(axis: pd.Index) -> list[Any]:
        return [None if name is None else show_label(name) for name in axis.names]

    return df.rename_axis(index=names(df.index), columns=names(df.columns))


def _formatters(
    df: pd.DataFrame,
    decimals: int | Mapping[str, int],
    percent: Iterable[str],
    labels: Mapping[str, str] | Callable[[str], str] | None,
    p_values: Iterable[str] = (),
) -> tuple[dict[Any, Callable[[Any], Any]], Callable[[Any], Any]]:
    """A regra de :func:`table` e :func:`text_table`: um formatador por coluna e um para rótulos."""
    percent, p_values = set(percent), set(p_values)
    places = dict(decimals) if isinstance(decimals, Mapping) else {}
    default = 3 if isinstance(decimals, Mapping) else decimals

    def formatter(column: str) -> Callable[[Any], Any]:
        digits = places.get(column, 1 if column in percent else default)
        if column in percent:
            return lambda v: pct(v, digits)
        if column in p_values:
            return p_value

        def show(v: Any) -> Any:
            if isinstance(v, bool):  # bool é um Real para o Python; aqui é texto
                return str(v)
            if isinstance(v, Integral) and column not in places:  # uma contagem: sem casas
                return num(v, 0)
            if isinstance(v, Real):
                return num(v, digits)
            return MISSING if _missing(v) else v

        return show

    if labels is None:
        relabel: Callable[[Any], Any] = lambda v: v  # noqa: E731
    elif isinstance(labels, Mapping):
        relabel = lambda v: labels.get(v, v)  # noqa: E731
    else:
        relabel = lambda v: labels(v) if isinstance(v, str) else v  # noqa: E731

    def show_label(v: Any) -> Any:
        return num(v, default) if isinstance(v, float) else relabel(v)

    return {c: formatter(c) for c in df.columns}, show_label


class DecimalCommaFormatter(ScalarFormatter):
    """O formatador padrão dos eixos do matplotlib, com vírgula decimal (``0,5`` e não ``0.5``).

    ``recorrente.plotting.new_figure`` o instala em todo eixo linear de uma figura do livro
    na hora de desenhar, inclusive nas barras de cor.

    Exemplo:
        >>> from recorrente.plotting import new_figure
        >>> fig, ax = new_figure()
        >>> _ = ax.plot([0, 1], [0.25, 0.75])
        >>> _ = fig._repr_svg_()  # desenha a figura
        >>> [t.get_text() for t in ax.get_yticklabels()][:3]
        ['0,2', '0,3', '0,4']
    """

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _ptbr(super().__call__(x, pos))

    def get_offset(self) -> str:
        return _ptbr(super().get_offset())

    def format_data_short(self, value: float) -> str:
        return _ptbr(super().format_data_short(value))
