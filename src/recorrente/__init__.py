"""Recorrente: redes neurais recorrentes com PyTorch, o pacote do livro.

Os capítulos importam daqui tudo o que não é a própria lição. A raiz do pacote
traz as células e a rede desdobrada (``RNNCell``, ``LSTMCell``, ``GRUCell``,
``Recurrent``) e o erro de entrada (``InputError``); o resto mora nos módulos:

- ``recorrente.cells``: células de um passo (RNN, LSTM, GRU) escritas a partir das equações;
- ``recorrente.recurrent``: uma célula desdobrada no tempo, com camadas e duas direções,
  como o ``nn.RNN``;
- ``recorrente.models``: os modelos de tarefa, com o contrato
  ``forward(x, targets) -> (saída, perda)``;
- ``recorrente.training``: o laço de treino único, a avaliação e os checkpoints;
- ``recorrente.tasks``: tarefas sintéticas para medir memória e contexto;
- ``recorrente.gradients``: quanto gradiente chega a cada passo (BPTT);
- ``recorrente.baselines``: linhas de base de contagem (n-gramas) para caracteres;
- ``recorrente.generation``: amostragem de nomes com temperatura, top-k e prefixo;
- ``recorrente.web``: o modelo de nomes exportado para rodar no navegador do leitor;
- ``recorrente.forecasting``: previsão de séries (janelas, divisão cronológica,
  linhas de base, métricas);
- ``recorrente.errors``: o erro de entrada inválida, com mensagem em português;
- ``recorrente.formatting``: números em português (vírgula decimal, "—" no que falta);
- ``recorrente.reproducibility``: as sementes dos capítulos e o caminho numérico fixo;
- ``recorrente.stats``: a incerteza de um resultado (intervalo de Wilson);
- ``recorrente.data.names`` e ``recorrente.data.prices``: os conjuntos de dados;
- ``recorrente.plotting``: as figuras do livro, um módulo por assunto;
- ``recorrente.cli``: a linha de comando ``recorrente`` (``recorrente --help``).

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
