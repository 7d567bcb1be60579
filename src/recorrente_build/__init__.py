"""O passo de renderização: cada capítulo (``docs/capitulos/NN_nome.py``) vira uma página.

É o passo que fica entre o capítulo e qualquer gerador de site (o MkDocs o chama pelo hook
``hooks/chapters.py``; o Zensical lê o mesmo Markdown). Ferramenta do livro, não do leitor:
``import recorrente`` nunca o carrega e ele não vai no pacote publicado. Para cada capítulo:

1. :mod:`.source`: o jupytext lê o arquivo *percent* como notebook e a forma é conferida;
   :mod:`.quotes` põe antes de cada texto que cita ``{{ expr }}`` uma célula que o avalia;
2. :mod:`.execution`: o nbclient executa o notebook num kernel novo (diretório de trabalho: a
   raiz do repositório), com o código de :mod:`.kernel` na frente (texto alternativo das
   figuras, valores citados); :mod:`.cache` guarda a execução com uma chave que cobre o que
   muda uma saída;
3. :mod:`.markdown`: o nbconvert escreve a página, com as figuras e os arquivos das saídas;
   :mod:`.notebook`: o notebook que o leitor baixa; :mod:`.records`: o registro dos números;
4. :mod:`.writing` grava tudo em ``docs/capitulos/`` (só o que mudou); :mod:`.runner` cuida de
   vários capítulos em paralelo e da rodada de robustez; :mod:`.serve`, do ``mkdocs serve``;
   :mod:`.cli`, da linha de comando (``python scripts/paginas.py``).

:mod:`.addresses` deriva de ``GITHUB_REPOSITORY`` os endereços do site (que o hook
``hooks/repository.py`` põe na configuração do MkDocs) e o pacote que a célula de instalação
do notebook pede.

Mudou só a prosa: a página é reescrita sem executar nada. Mudou ``src/recorrente``: os
capítulos que usam o arquivo mudado são executados de novo.
"""
