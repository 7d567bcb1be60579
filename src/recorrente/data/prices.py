"""Séries de preços e de medidas para os capítulos de previsão.

Todas as funções devolvem uma ``pandas.Series`` de ``float`` indexada por data,
em ordem cronológica e sem lacunas. Entrada ruim (arquivo ausente, coluna que
não existe, texto onde devia haver número, buracos que não dá para preencher,
série curta demais) levanta :class:`recorrente.errors.InputError` com uma
mensagem em português.

Exemplo:
    >>> sp = load_sp500()
    >>> len(sp), str(sp.index[0].date()), str(sp.index[-1].date())
    (5031, '1999-01-04', '2018-12-31')
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from recorrente.errors import InputError

__all__ = ["load_co2_monthly", "load_price_csv", "load_sp500"]


def load_sp500() -> pd.Series:
    """Fechamento ajustado (*Adj Close*) diário do S&P 500, 1999-01-04 a 2018-12-31.

    Os dados vêm do pacote ``arch`` (nenhum download).

    Retorna:
        A série ``preco``, indexada pela data (índice ``data``).

    Exemplo:
        >>> sp = load_sp500()
        >>> sp.name, sp.index.name, bool(sp.index.is_monotonic_increasing)
        ('preco', 'data', True)
    """
    from arch.data import sp500

    prices = sp500.load()["Adj Close"].astype(float)
    prices.index = pd.DatetimeIndex(prices.index).as_unit("ns")
    prices.index.name = "data"
    prices.name = "preco"
    return prices.sort_index()


def load_co2_monthly() -> pd.Series:
    """CO₂ atmosférico de Mauna Loa (ppm), médias mensais de 1958-03 a 2001-12.

    A série semanal do ``statsmodels`` tem semanas sem medida; a média mensal
    ainda deixa alguns meses vazios, que são interpolados linearmente no tempo.

    Retorna:
        A série ``co2``, indexada pelo primeiro dia de cada mês.

    Exemplo:
        >>> co2 = load_co2_monthly()
        >>> len(co2), bool(co2.isna().any())
        (526, False)
    """
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"].astype(float)
    monthly = weekly.resample("MS").mean().interpolate(method="time")
    monthly.index = pd.DatetimeIndex(monthly.index).as_unit("ns")
    monthly.index.name = "data"
    monthly.name = "co2"
    return monthly


def load_price_csv(
    path: str | Path,
    *,
    date_column: str = "data",
    price_column: str = "preco",
    min_rows: int = 2,
    max_gap: int = 3,
) -> pd.Series:
    """Lê uma série de preços de um CSV com uma coluna de datas e uma de preços.

    As linhas são ordenadas pela data. Um preço vazio é preenchido com o último
    preço conhecido (nunca com um valor do futuro), desde que a lacuna tenha no
    máximo ``max_gap`` linhas seguidas; um buraco maior, ou logo na primeira
    linha, é recusado.

    Parâmetros:
        path: caminho do CSV.
        date_column: nome da coluna de datas.
        price_column: nome da coluna de preços.
        min_rows: número mínimo de linhas que a análise precisa (por exemplo,
            janela + alguns alvos).
        max_gap: maior lacuna (linhas vazias seguidas) preenchida.

    Retorna:
        A série ``preco``, indexada pela data, em ordem cronológica e sem lacunas.

    Levanta:
        InputError: arquivo ausente ou vazio, coluna ausente, data ou preço
            inválido, preço infinito, datas com fusos misturados ou fora da faixa de 1678 a
            2261, datas repetidas, lacuna grande demais, poucas linhas.

    Exemplo:
        >>> import tempfile
        >>> csv = 'data,preco\\n2024-01-03,11\\n2024-01-02,\\n2024-01-01,"10,5"\\n'
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "precos.csv"
        ...     _ = path.write_text(csv, encoding="utf-8")
        ...     series = load_price_csv(path)
        >>> series.tolist()  # em ordem, vírgula decimal aceita, lacuna com o preço anterior
        [10.5, 10.5, 11.0]
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"O arquivo {path} não existe; confira o caminho passado.")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise InputError(
            f"O arquivo {path} está vazio; ele precisa de um cabeçalho e uma linha por dia."
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InputError(f"Não consegui ler {path} como CSV ({error}).") from None
    for column in (date_column, price_column):
        if column not in frame.columns:
            available = ", ".join(map(repr, frame.columns))
            raise InputError(
                f"O arquivo {path} não tem a coluna {column!r} (colunas: {available}); "
                "indique o nome certo com --coluna-data / --coluna-preco."
            )
    try:
        dates = pd.to_datetime(frame[date_column].str.strip(), errors="coerce")
    except ValueError as error:  # "Mixed timezones detected"
        if "timezone" not in str(error).lower():
            raise
        raise InputError(
            f"As datas de {path} misturam fusos horários; use um fuso só em todas as linhas "
            "ou datas sem fuso (AAAA-MM-DD)."
        ) from None
    bad_dates = dates.isna()
    if bad_dates.any():
        line = int(np.flatnonzero(bad_dates.to_numpy())[0]) + 2
        raise InputError(
            f"Data inválida na linha {line} de {path}: "
            f"{frame[date_column].iloc[line - 2]!r}; use o formato AAAA-MM-DD."
        )
    first, last = pd.Timestamp.min.year + 1, pd.Timestamp.max.year - 1  # o que cabe em ns
    out_of_range = (dates.dt.year < first) | (dates.dt.year > last)
    if out_of_range.any():
        line = int(np.flatnonzero(out_of_range.to_numpy())[0]) + 2
        raise InputError(
            f"A data {frame[date_column].iloc[line - 2]!r} na linha {line} de {path} está fora "
            f"da faixa aceita, de {first} a {last}."
        )
    raw = frame[price_column].str.strip()
    empty = raw.eq("") | raw.str.lower().isin(["nan", "na", "null"])
    numbers = pd.to_numeric(raw.str.replace(",", ".", regex=False).where(~empty), errors="coerce")
    not_numeric = numbers.isna() & ~empty
    if not_numeric.any():
        line = int(np.flatnonzero(not_numeric.to_numpy())[0]) + 2
        raise InputError(
            f"Valor não numérico na coluna {price_column!r}, linha {line} de {path}: "
            f"{raw.iloc[line - 2]!r}; os preços precisam ser números."
        )
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    if infinite.any():
        line = int(np.flatnonzero(infinite)[0]) + 2
        raise InputError(
            f"Valor infinito na coluna {price_column!r}, linha {line} de {path}: "
            f"{raw.iloc[line - 2]!r}; os preços precisam ser números finitos."
        )
    series = pd.Series(numbers.to_numpy(dtype=float), index=pd.DatetimeIndex(dates).as_unit("ns"))
    series = series.sort_index()
    if series.index.has_duplicates:
        repeated = series.index[series.index.duplicated()][0]
        raise InputError(
            f"A data {repeated.date()} aparece mais de uma vez em {path}; deixe um preço por data."
        )
    if len(series) and np.isnan(series.iloc[0]):
        raise InputError(
            f"O primeiro preço de {path} (em {series.index[0].date()}) está vazio e não há "
            "valor anterior para preenchê-lo; apague as linhas iniciais sem preço."
        )
    gap = _longest_gap(series.to_numpy())
    if gap > max_gap:
        raise InputError(
            f"A coluna {price_column!r} de {path} tem {gap} preços vazios seguidos "
            f"(o máximo preenchível é {max_gap}); complete os dados ou corte o trecho."
        )
    series = series.ffill()
    if (series <= 0).any():
        raise InputError(
            f"A coluna {price_column!r} de {path} tem preços nulos ou negativos; "
            "os log-retornos exigem preços positivos."
        )
    if len(series) < min_rows:
        raise InputError(
            f"{path} tem só {len(series)} linhas com preço, mas a análise precisa de pelo "
            f"menos {min_rows}; use uma série mais longa ou uma janela menor."
        )
    series.index.name = "data"
    series.name = "preco"
    return series


def _longest_gap(values: np.ndarray) -> int:
    """Maior número de ``NaN`` seguidos.

    Exemplo:
        >>> _longest_gap(np.array([1.0, np.nan, np.nan, 2.0, np.nan]))
        2
    """
    longest = current = 0
    for missing in np.isnan(values):
        current = current + 1 if missing else 0
        longest = max(longest, current)
    return longest
