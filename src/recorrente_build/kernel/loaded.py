"""No kernel, depois da última célula: o que o capítulo carregou, para a chave do cache.

Imprime um JSON com os arquivos dos módulos ``recorrente.*`` carregados e a versão de cada
distribuição que tem um módulo carregado (torch, numpy, pandas, ...).
"""

import importlib.metadata as _metadata
import json as _json
import sys as _sys


def _loaded():
    modules = list(_sys.modules.items())
    distributions = {}
    by_module = _metadata.packages_distributions()
    for name in {n.partition(".")[0] for n, _ in modules}:
        for dist in by_module.get(name, []):
            try:
                distributions[dist.lower()] = _metadata.version(dist)
            except _metadata.PackageNotFoundError:
                pass
    distributions.pop("recorrente", None)
    files = sorted(
        m.__file__
        for n, m in modules
        if (n == "recorrente" or n.startswith("recorrente.")) and getattr(m, "__file__", None)
    )
    return {"arquivos": files, "distribuicoes": distributions}


if __name__ == "__main__":
    print(_json.dumps(_loaded()))
