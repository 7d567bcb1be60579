"""No kernel: avalia as expressões citadas na prosa no espaço de nomes do capítulo e formata.

A célula de citação (:mod:`recorrente_build.quotes`) chama ``_valores_citados([...])``; o nome
faz parte do código dessas células, e portanto da chave do cache: não mude.
"""

from IPython import get_ipython

_MIME = "application/vnd.recorrente.valores+json"
"""O tipo da saída com os textos citados (o passo lê este valor daqui)."""


def _valores_citados(expressions):
    from IPython.display import display as _display

    from recorrente.formatting import num as _num

    _namespace = get_ipython().user_ns
    _texts = []
    for _expression in expressions:
        try:
            _value = eval(_expression, _namespace)
        except Exception as _error:
            raise RuntimeError(
                f"O valor citado {{{{ {_expression} }}}} falhou: {type(_error).__name__}: {_error}"
            ) from None
        if isinstance(_value, bool) or not isinstance(_value, (str, int)):
            if hasattr(_value, "__index__") and not isinstance(_value, bool):
                _value = int(_value)
            else:
                raise TypeError(
                    f"O valor citado {{{{ {_expression} }}}} é um {type(_value).__name__}; "
                    "cite um texto (num(x, 3), pct(x), sci(x), mean_range(...)) ou um int."
                )
        _texts.append(_value if isinstance(_value, str) else _num(_value, 0))
    _display({_MIME: _texts}, raw=True)
