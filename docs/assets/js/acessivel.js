// Fórmulas longas no meio do texto, regiões roláveis alcançáveis pelo teclado e os <nav> dos
// botões de copiar, que não são marcos de navegação.
//
// O MathJax 3 não quebra linha numa fórmula em linha: no celular, uma conta de 475 px
// empurrava a página inteira para o lado. A fórmula em linha mais larga que o parágrafo ganha a
// classe recorrente-formula-larga (docs/assets/recorrente.css), que a faz rolar sozinha.
//
// Regiões roláveis alcançáveis pelo teclado (também as figuras largas no celular). O Material
// embrulha as tabelas num .md-typeset__scrollwrap que rola para o lado quando a tabela não
// cabe; sem tabindex, quem não usa mouse não consegue rolar (axe: scrollable-region-focusable). Só as que rolam de fato
// viram parada do Tab, e de novo quando a janela muda de largura.
(() => {
  const SCROLLERS =
    ".md-typeset__scrollwrap, .md-typeset pre > code, .md-typeset div.arithmatex, " +
    ".recorrente-formula-larga, .md-typeset p:has(> img:only-child)";

  // Primeiro todas as leituras, depois todas as escritas: ler uma medida logo depois de mudar
  // uma classe obriga o navegador a refazer o layout da página inteira, e na versão para
  // imprimir, com todas as fórmulas do livro, isso era uma tarefa de segundos.
  function marcar() {
    const formulas = Array.from(
      document.querySelectorAll(".md-typeset span.arithmatex > mjx-container"),
    );
    for (const formula of formulas) formula.classList.remove("recorrente-formula-larga");
    const largas = formulas.filter((formula) => {
      const largura = formula.closest("p, li, td, dd, div")?.clientWidth ?? Infinity;
      return formula.getBoundingClientRect().width > largura;
    });
    for (const formula of largas) formula.classList.add("recorrente-formula-larga");
    const regioes = Array.from(document.querySelectorAll(SCROLLERS)).map((el) => [
      el,
      el.scrollWidth > el.clientWidth + 1,
    ]);
    // O botão de copiar de cada bloco de código vem num <nav> sem nome: dezenas de marcos
    // "navegação" iguais para o leitor de tela (axe: landmark-unique). Não é navegação.
    for (const nav of document.querySelectorAll(".md-code__nav:not([role])")) {
      nav.setAttribute("role", "none");
    }
    for (const [el, rola] of regioes) {
      if (rola && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.recorrenteRola = "";
      } else if (!rola && "recorrenteRola" in el.dataset) {
        el.removeAttribute("tabindex");
        delete el.dataset.recorrenteRola;
      }
    }
  }

  let pendente = 0;
  const depois = () => {
    cancelAnimationFrame(pendente);
    pendente = requestAnimationFrame(marcar);
  };
  document$.subscribe(depois);
  window.addEventListener("resize", depois);
  // As fórmulas tipografadas mudam a largura do conteúdo.
  document.addEventListener("recorrente:tipografado", depois);
})();
