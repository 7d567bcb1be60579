"""Recorrente: redes neurais recorrentes com PyTorch, o pacote do livro.

Módulos:
    cells: células de um passo (RNN, LSTM, GRU) escritas a partir das equações.
    errors: o erro de entrada inválida, com mensagem em português.
    recurrent: desenrola uma célula no tempo, com camadas e duas direções, como o nn.RNN.
"""

from recorrente.cells import GRUCell, LSTMCell, RNNCell
from recorrente.errors import InputError
from recorrente.recurrent import Recurrent

__all__ = ["GRUCell", "InputError", "LSTMCell", "RNNCell", "Recurrent"]
__version__ = "0.1.0"
