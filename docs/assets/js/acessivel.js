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
//
// Na versão para imprimir, os blocos fora da tela chegam sem estilo nem layout
// (content-visibility no recorrente.css), e medir um elemento obriga o navegador a fazer o
// layout do bloco dele: medir a página inteira de uma vez era uma tarefa de segundos com a CPU
// 4× mais lenta (tests/test_desempenho.py). Então mede primeiro o que chega perto da tela (um
// IntersectionObserver) e o resto aos poucos, bloco a bloco, em fatias que devolvem a thread ao
// navegador (nos capítulos também: nenhuma fatia vira tarefa longa). No fim,
// data-regioes="marcadas" no <html> (os testes do site esperam). Desenhar cada bloco medido
// (tirar o content-visibility) foi medido e piorou: cada quadro depois de uma fatia repintava a
// página.
(() => {
  // Onde estão os blocos com content-visibility do recorrente.css (os títulos e as seções da
  // versão para imprimir, que não o têm, ficam como estão).
  const BLOCOS = ".md-content__inner > *, .md-content__inner section.print-page > *";
  const FORMULAS = ".md-typeset span.arithmatex > mjx-container";
  const SCROLLERS =
    ".md-typeset__scrollwrap, .md-typeset pre > code, .md-typeset div.arithmatex, " +
    ".recorrente-formula-larga, .md-typeset p:has(> img:only-child)";
  // Medidas por tarefa: abaixo dos 50 ms de uma tarefa longa, e de dois em dois blocos, porque
  // a primeira medida dentro de um bloco fora da tela faz o layout do bloco inteiro.
  const MEDIDOS = `${FORMULAS}, ${SCROLLERS}`;
  const FATIA_MS = 20;
  const LOTE = 2;

  // Primeiro todas as leituras, depois todas as escritas: ler uma medida logo depois de mudar
  // uma classe obriga o navegador a refazer o layout. As fórmulas de dentro de uma região vêm
  // antes dela: a região rola ou não conforme a fórmula.
  function marcar(elementos) {
    const formulas = elementos.flatMap((el) =>
      el.matches(FORMULAS) ? [el] : Array.from(el.querySelectorAll(FORMULAS)),
    );
    for (const formula of formulas) formula.classList.remove("recorrente-formula-larga");
    const largas = formulas.filter((formula) => {
      const largura = formula.closest("p, li, td, dd, div")?.clientWidth ?? Infinity;
      return formula.getBoundingClientRect().width > largura;
    });
    for (const formula of largas) formula.classList.add("recorrente-formula-larga");
    // Uma região que é ela mesma um bloco fora da tela mede a largura estimada, não a do
    // conteúdo: ela passa a ser desenhada sempre (são poucas: tabelas, fórmulas e figuras).
    const regioes = elementos.filter((el) => el.matches(SCROLLERS));
    for (const el of regioes) {
      if (getComputedStyle(el).contentVisibility === "auto") el.style.contentVisibility = "visible";
    }
    const medidas = regioes.map((el) => [el, el.scrollWidth > el.clientWidth + 1]);
    for (const [el, rola] of medidas) {
      if (rola && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.dataset.recorrenteRola = "";
      } else if (!rola && "recorrenteRola" in el.dataset) {
        el.removeAttribute("tabindex");
        delete el.dataset.recorrenteRola;
      }
    }
  }

  let feitos = new WeakSet();
  let pendentes = [];
  const perto = new IntersectionObserver(
    (entradas) => {
      const visiveis = entradas
        .filter((e) => e.isIntersecting && !feitos.has(e.target))
        .map((e) => e.target);
      for (const el of visiveis) feitos.add(el);
      if (visiveis.length) marcar(visiveis);
    },
    { rootMargin: "50% 0px" },
  );

  async function varrer() {
    while (pendentes.length) {
      const inicio = performance.now();
      while (pendentes.length && performance.now() - inicio < FATIA_MS) {
        const lote = [];
        for (const el of pendentes.splice(0, LOTE)) {
          lote.push(el);
          if (el.matches(BLOCOS)) lote.push(...el.querySelectorAll(MEDIDOS));
        }
        const novos = lote.filter((el) => el.matches(MEDIDOS) && !feitos.has(el));
        for (const el of novos) feitos.add(el);
        if (novos.length) marcar(novos);
      }
      await new Promise((pronto) => setTimeout(pronto));
    }
    perto.disconnect();
    document.documentElement.dataset.regioes = "marcadas";
  }

  function recomecar() {
    const medidos = Array.from(document.querySelectorAll(MEDIDOS));
    const varrendo = pendentes.length > 0;
    delete document.documentElement.dataset.regioes;
    feitos = new WeakSet();
    // Bloco a bloco, e depois o que estiver fora de algum bloco.
    pendentes = [...document.querySelectorAll(BLOCOS), ...medidos];
    perto.disconnect();
    for (const el of medidos) perto.observe(el);
    if (!varrendo) varrer();
  }

  // O botão de copiar de cada bloco de código vem num <nav> sem nome: dezenas de marcos
  // "navegação" iguais para o leitor de tela (axe: landmark-unique). Não é navegação. O tema
  // só monta o botão quando o bloco aparece na tela (content.lazy no mkdocs.yml).
  // Ao montar o bloco, o tema também tira o tabindex do código quando a tela não tem mouse
  // (celular): a região que rola volta para a ordem do Tab.
  const semPapel = (nav) => nav.setAttribute("role", "none");
  new MutationObserver((registros) => {
    for (const registro of registros) {
      for (const no of registro.addedNodes) {
        if (no instanceof Element && no.matches(".md-code__nav")) semPapel(no);
      }
      const el = registro.target;
      if (registro.type === "attributes" && "recorrenteRola" in el.dataset) {
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
      }
    }
  }).observe(document.body, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["tabindex"],
  });

  let pendente = 0;
  const depois = () => {
    cancelAnimationFrame(pendente);
    pendente = requestAnimationFrame(() => {
      document.querySelectorAll(".md-code__nav:not([role])").forEach(semPapel);
      recomecar();
    });
  };
  document$.subscribe(depois);
  window.addEventListener("resize", depois);
  // As fórmulas tipografadas mudam a largura do conteúdo.
  document.addEventListener("recorrente:tipografado", depois);
})();
