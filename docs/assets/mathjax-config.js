// Configuração do MathJax 3 servido pelo próprio site (copiado no build).
// O mkdocs-jupyter deixa $...$ cru dentro de div.jp-RenderedMarkdown, e o
// MathJax reaplica a regra de ignorar aos filhos de um elemento processado;
// por isso tipografamos explicitamente só os contêineres de texto a cada
// página (nunca as saídas das células, onde um "$" é só um cifrão).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  startup: { typeset: false },
};

function recorrenteTypeset() {
  if (!window.MathJax || !MathJax.typesetPromise) return;
  const containers = document.querySelectorAll(".arithmatex, .jp-RenderedMarkdown");
  if (containers.length === 0) return;
  MathJax.startup.output.clearCache();
  MathJax.typesetClear();
  MathJax.texReset();
  // Os testes do site esperam por esta promessa antes de procurar fórmulas cruas.
  window.recorrenteMathReady = MathJax.typesetPromise(Array.from(containers));
}

if (typeof document$ !== "undefined") {
  document$.subscribe(() => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(recorrenteTypeset);
    }
  });
}
