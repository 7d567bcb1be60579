"""Recorrente: redes neurais recorrentes com PyTorch, o pacote do livro.

Os capítulos importam daqui tudo o que não é a própria lição. A raiz do pacote
traz as células e a rede desdobrada (``RNNCell``, ``LSTMCell``, ``GRUCell``,
``Recurrent``) e o erro de entrada (``InputError``); o resto mora nos módulos, em camadas
(cada um importa só das camadas abaixo dele ou da sua, sem ciclo; ``tests/test_camadas.py``
confere):

0. a base: ``recorrente.errors`` (o erro de entrada inválida, com mensagem em português),
   ``recorrente.formatting`` (números em português: vírgula decimal, "—" no que falta),
   ``recorrente.reproducibility`` (as sementes dos capítulos e o caminho numérico fixo),
   ``recorrente.stats`` (a incerteza de um resultado: Wilson) e ``recorrente.module_tools``
   (``evaluating`` e ``count_parameters``);
1. a lição: ``recorrente.cells`` (células de um passo escritas a partir das equações),
   ``recorrente.recurrent`` (uma célula desdobrada no tempo, como o ``nn.RNN``),
   ``recorrente.scans`` (recorrências lineares e as varreduras que as calculam),
   ``recorrente.gradients`` (quanto gradiente chega a cada passo), e as peças de página:
   ``recorrente.shapes`` (a fonte da folha de consulta), ``recorrente.common_errors`` (as
   caixas "Erro comum") e ``recorrente.pages`` (os arquivos que uma célula entrega ao site);
2. os dados, ``recorrente.data``: ``batching`` (o alvo ignorado, a contagem de alvos, a fila
   de sorteio), ``names``, ``amounts``, ``prices`` e ``tasks`` (tarefas sintéticas);
3. os modelos: ``recorrente.models`` (o contrato ``forward(x, targets) -> (saída, perda)`` e
   as perdas), ``recorrente.seq2seq`` (codificador, decodificador, atenção, buscas) e
   ``recorrente.parallel`` (minGRU em pilha e em blocos, Transformer causal mínimo);
4. ``recorrente.training`` (o laço de treino único e a avaliação) e ``recorrente.checkpoints``
   (gravar e reconstruir qualquer modelo pela configuração, validado);
5. uma tarefa aplicada por módulo, dona da predição e do checkpoint dela:
   ``recorrente.classification`` (classificar nomes), ``recorrente.generation`` (gerar
   nomes), ``recorrente.forecasting`` (prever séries), ``recorrente.spelling`` (escrever
   valores por extenso), com ``recorrente.baselines`` (n-gramas de caracteres) e
   ``recorrente.web`` (o modelo de nomes no navegador do leitor);
6. ``recorrente.plotting`` (as figuras do livro, um módulo por assunto) e ``recorrente.cli``
   (a linha de comando ``recorrente``; ``recorrente --help``).

A referência da API, gerada destas docstrings, está no site do livro, em
*Referência › API do pacote* (https://recorrente.github.io/recorrente/referencia/api/);
no repositório, as páginas ficam em ``docs/referencia/api/``.

Exemplo:
    >>> import torch
    >>> from recorrente import GRUCell, Recurrent
    >>> out, h_n = Recurrent(GRUCell, 3, 4)(torch.zeros(7, 2, 3))  # (T, N, I)
    >>> out.shape, h_n.shape
    (torch.Size([7, 2, 4]), torch.Size([1, 2, 4]))
"""

from recorrente.cells import GRUCell, LSTMCell, RNNCell
from recorrente.errors import InputError
from recorrente.recurrent import Recurrent

__all__ = ["GRUCell", "InputError", "LSTMCell", "RNNCell", "Recurrent"]
__version__ = "0.1.0"
