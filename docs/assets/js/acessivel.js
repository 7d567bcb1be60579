// Fórmulas longas no meio do texto, regiões roláveis alcançáveis pelo teclado e os <nav> dos
// botões de copiar, que não são marcos de navegação.
//
// O MathJax 3 não quebra linha numa fórmula em linha: no celular, uma conta de 475 px
// empurrava a página inteira para o lado. A fórmula em linha mais larga que o parágrafo ganha a
// classe recorrente-formula-larga (docs/assets/recorrente.css), que a faz rolar sozinha.
//
// Regiões roláveis alcançáveis pelo teclado. O Material embrulha as tabelas num
// .md-typeset__scrollwrap que rola para o lado quando a tabela não cabe; sem tabindex, quem
// não usa mouse não consegue rolar (axe: scrollable-region-focusable). Só as que rolam de fato
// viram parada do Tab, e de novo quando a janela muda de largura.
(() => {
  const SCROLLERS =
    ".md-typeset__scrollwrap, .md-typeset pre > code, .md-typeset div.arithmatex, .recorrente-formula-larga";

  function marcar() {
    for (const formula of document.querySelectorAll(".md-typeset span.arithmatex > mjx-container")) {
      formula.classList.remove("recorrente-formula-larga");
      const largura = formula.closest("p, li, td, dd, div")?.clientWidth ?? Infinity;
      if (formula.getBoundingClientRect().width > largura) {
        formula.classList.add("recorrente-formula-larga");
      }
    }
    // O botão de copiar de cada bloco de código vem num <nav> sem nome: dezenas de marcos
    // "navegação" iguais para o leitor de tela (axe: landmark-unique). Não é navegação.
    for (const nav of document.querySelectorAll(".md-code__nav:not([role])")) {
      nav.setAttribute("role", "none");
    }
    for (const el of document.querySelectorAll(SCROLLERS)) {
      const rola = el.scrollWidth > el.clientWidth + 1;
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
