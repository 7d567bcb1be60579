"""Conjuntos de dados do livro; cada um é dono da sua codificação.

Os submódulos são importados sob demanda (``from recorrente.data import names``),
para que carregar um conjunto não puxe os outros.
"""
