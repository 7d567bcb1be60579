// Configuração do MathJax 3 documentada pelo Material for MkDocs (extensão arithmatex), com o
// MathJax servido pelo próprio site (hooks/copiar_mathjax.py): só o que a arithmatex marcou é
// tipografado, nunca o código nem as saídas das células, onde um "$" é só um cifrão. A única
// opção a mais, startup.typeset: false, faz a página ser tipografada uma vez só, pelo document$
// abaixo; tipografada duas vezes, a versão para imprimir saía sem fórmulas no PDF.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  startup: { typeset: false },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
};

document$.subscribe(() => {
  MathJax.startup.output.clearCache();
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
