// Fórmulas longas no meio do texto, regiões roláveis alcançáveis pelo teclado, os blocos fora da
// tela desenhados quando chegam perto e os <nav> dos botões de copiar, que não são marcos de
// navegação.
//
// O MathJax 3 não quebra linha numa fórmula em linha: no celular, uma conta de 475 px
// empurrava a página inteira para o lado. A fórmula em linha mais larga que o parágrafo ganha a
// classe recorrente-formula-larga (docs/assets/recorrente.css), que a faz rolar sozinha.
//
// Regiões roláveis alcançáveis pelo teclado (também as figuras largas no celular). O Material
// embrulha as tabelas num .md-typeset__scrollwrap que rola para o lado quando a tabela não
// cabe; sem tabindex, quem não usa mouse não consegue rolar (axe: scrollable-region-focusable).
// Só as que rolam de fato viram parada do Tab, e de novo quando a janela muda de largura.
//
// Os blocos do conteúdo longe da tela chegam sem estilo nem layout (content-visibility no
// recorrente.css; issue 24), e medir um elemento obriga o navegador a desenhar o bloco dele.
// Então cada bloco é desenhado de vez (classe recorrente-perto) e medido quando chega a três
// telas da janela (um IntersectionObserver), em tarefas curtas, e todos na primeira tecla Tab:
// as regiões que rolam precisam do tabindex antes de o Tab procurar a próxima parada. Medir a
// página inteira ao carregar custava 1 a 2 s de thread principal com a CPU 4× mais lenta;
// desenhar todos os blocos aos poucos depois de carregar também (cada quadro repintava a
// página): só os que chegam perto são desenhados.
//
// No <html>, data-regioes diz o que já foi medido: "perto" (o que está a três telas da janela)
// ou "marcadas" (a página inteira); os testes do site esperam por ele.
(() => {
  const raiz = document.documentElement;
  // Os blocos com content-visibility do recorrente.css e os vizinhos deles (os títulos não o
  // têm; marcá-los não muda nada). Na versão para imprimir, os filhos de cada página dentro
  // dela: nunca o livro inteiro (#print-site-page) nem uma seção, que contêm milhares de blocos
  // (medir dentro deles desenhava tudo: 9,7 s numa tarefa com a CPU 4× mais lenta).
  const BLOCOS =
    ".md-content__inner > :not(#print-site-page), " +
    ".md-content__inner section.print-page > :not(section)";
  const FORMULAS = ".md-typeset span.arithmatex > mjx-container";
  const SCROLLERS =
    ".md-typeset__scrollwrap, .md-typeset pre > code, .md-typeset div.arithmatex, " +
    ".recorrente-formula-larga, .md-typeset p:has(> img:only-child)";
  const MEDIDOS = `${FORMULAS}, ${SCROLLERS}`;
  const PERTO = "recorrente-perto";

  // Primeiro todas as leituras, depois todas as escritas: ler uma medida logo depois de mudar
  // uma classe obriga o navegador a refazer o layout. As fórmulas de dentro de uma região vêm
  // antes dela: a região rola ou não conforme a fórmula.
  function marcar(elementos) {
    const formulas = elementos.filter((el) => el.matches(FORMULAS));
    for (const formula of formulas) formula.classList.remove("recorrente-formula-larga");
    const largas = formulas.filter((formula) => {
      const largura = formula.closest("p, li, td, dd, div")?.clientWidth ?? Infinity;
      return formula.getBoundingClientRect().width > largura;
    });
    for (const formula of largas) formula.classList.add("recorrente-formula-larga");
    const regioes = elementos.filter((el) => el.matches(SCROLLERS));
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

  let blocos = [];
  let todos = false;
  let fila = [];
  let agendado = 0;

  // Desenha os blocos (a classe tira o content-visibility) e mede o que há neles.
  function desenhar(lista) {
    for (const bloco of lista) bloco.classList.add(PERTO);
    const medidos = lista.flatMap((bloco) => [
      ...(bloco.matches(MEDIDOS) ? [bloco] : []),
      ...bloco.querySelectorAll(MEDIDOS),
    ]);
    if (medidos.length) marcar(medidos);
  }

  function avisar() {
    const faltam = blocos.some((bloco) => !bloco.classList.contains(PERTO));
    if (todos || !faltam) raiz.dataset.regioes = "marcadas";
    else if (fila.length) delete raiz.dataset.regioes; // ainda desenhando o que chegou perto
    else raiz.dataset.regioes = "perto";
  }

  // Os blocos que chegaram perto são desenhados em várias tarefas curtas, não numa só: desenhar
  // três telas de uma vez prendia a thread principal por 0,1 a 0,3 s com a CPU 4× mais lenta
  // (nem rolar nem clicar respondiam). Cada tarefa desenha blocos, na ordem do texto, até
  // passar de FATIA_MS, e devolve a thread ao navegador; um bloco grande sozinho (um código
  // longo, uma tabela) ainda passa disso.
  const FATIA_MS = 20;
  function drenar() {
    agendado = 0;
    const inicio = performance.now();
    while (fila.length && performance.now() - inicio < FATIA_MS) {
      const bloco = fila.shift();
      if (!bloco.classList.contains(PERTO)) desenhar([bloco]);
    }
    if (fila.length) agendado = setTimeout(drenar, 0);
    avisar();
  }

  const perto = new IntersectionObserver(
    (entradas) => {
      const chegaram = entradas.filter((e) => e.isIntersecting).map((e) => e.target);
      for (const bloco of chegaram) perto.unobserve(bloco);
      fila.push(...chegaram);
      if (!agendado) drenar();
    },
    { rootMargin: "300% 0px" },
  );

  function esvaziarFila() {
    perto.disconnect();
    clearTimeout(agendado);
    agendado = 0;
    fila = [];
  }

  function desenharTodos() {
    todos = true;
    esvaziarFila();
    for (const bloco of blocos) bloco.classList.add(PERTO);
    marcar(Array.from(document.querySelectorAll(MEDIDOS)));
    avisar();
  }

  // Na carga e a cada mudança de largura: o que já foi desenhado é medido de novo agora; o
  // resto, quando chegar perto (ou todos, se o Tab já pediu).
  function recomecar() {
    delete raiz.dataset.regioes;
    blocos = Array.from(document.querySelectorAll(BLOCOS));
    esvaziarFila();
    if (todos) return desenharTodos();
    desenhar(blocos.filter((bloco) => bloco.classList.contains(PERTO)));
    const longe = blocos.filter((bloco) => !bloco.classList.contains(PERTO));
    for (const bloco of longe) perto.observe(bloco);
    if (!longe.length) avisar();
  }

  addEventListener(
    "keydown",
    (evento) => {
      if (evento.key === "Tab" && !todos) desenharTodos();
    },
    true,
  );

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
