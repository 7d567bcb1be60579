// Configuração do MathJax 3 documentada pelo Material for MkDocs (extensão arithmatex), com o
// MathJax servido pelo próprio site (hooks/copy_mathjax.py): só o que a arithmatex marcou é
// tipografado, nunca o código nem as saídas das células, onde um "$" é só um cifrão. A opção
// startup.typeset: false faz a página ser tipografada uma vez só, pelo document$ abaixo;
// tipografada duas vezes, a versão para imprimir saía sem fórmulas no PDF.
//
// O build tipografa as fórmulas (hooks/typeset_math.py): no site construído com o Node, cada
// .arithmatex já chega com o seu <mjx-container>, e o MathJax nem é baixado. Este arquivo é o
// caminho do navegador para o resto: o build sem o Node/mathjax-full e o Zensical, que não roda
// hooks. A configuração do TeX abaixo vale para os dois (o hook a lê daqui).
//
// O MathJax (1 MB) só é baixado nas páginas com fórmula por tipografar, e sem bloquear a página:
// este arquivo acrescenta o <script async> quando acha uma. As fórmulas não são paradas do Tab
// (aqui o menu do MathJax continua no clique com o botão direito; as do build não têm menu):
// numa página com 200 fórmulas, o leitor de teclado passava por cada uma para chegar ao próximo
// link.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    // Número com vírgula decimal ("0{,}4472") é um número só. O padrão do MathJax lê "{,}" como
    // separador de milhar, de três em três algarismos: "0{,}4472" virava <mn>0,447</mn><mn>2</mn>,
    // que o leitor de tela lê "0,447 2" e que o texto copiado separa.
    digits: /^(?:[0-9]+(?:\{,\}[0-9]+|\.[0-9]*)?|\.[0-9]+)/,
  },
  startup: { typeset: false },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    menuOptions: { settings: { inTabOrder: false } },
  },
};

(() => {
  const LOTE = 4; // fórmulas por chamada ao MathJax
  const FATIA_MS = 30; // tempo de tipografia por tarefa (abaixo dos 50 ms de uma tarefa longa)
  const endereco = new URL("mathjax/tex-chtml.js", document.currentScript.src).href;
  document$.subscribe(() => {
    // data-formulas no <html> diz quando as fórmulas estão prontas (os testes do site esperam).
    const cruas = Array.from(document.querySelectorAll(".arithmatex")).filter(
      (formula) => !formula.querySelector("mjx-container"),
    );
    if (!cruas.length) {
      const prontas = document.querySelector(".arithmatex");
      document.documentElement.dataset.formulas = prontas ? "prontas" : "nenhuma";
      return;
    }
    const tipografar = async () => {
      await MathJax.startup.promise;
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      // Aos poucos, devolvendo a thread ao navegador a cada FATIA_MS: tudo de uma vez, a versão
      // para imprimir ficava parada numa tarefa só de 18 s com a CPU 4× mais lenta, e o leitor
      // não conseguia nem rolar (tests/test_desempenho.py mede). Uma fórmula tipografada sai
      // numa microtarefa, então o laço só sai da tarefa quando a fatia acaba.
      // Na versão para imprimir (o livro inteiro numa página), cada chamada ao MathJax refaz o
      // layout do livro todo: em fatias, a CPU gasta triplicava (medido: 27 s → 90 s com a CPU
      // 4× mais lenta). Lá, uma chamada só, como antes.
      const formulas = cruas;
      if (document.getElementById("print-site-page")) {
        await MathJax.typesetPromise();
        formulas.length = 0;
      }
      let i = 0;
      while (i < formulas.length) {
        const inicio = performance.now();
        do {
          await MathJax.typesetPromise(formulas.slice(i, i + LOTE));
          i += LOTE;
        } while (i < formulas.length && performance.now() - inicio < FATIA_MS);
        await new Promise((pronto) => setTimeout(pronto));
      }
      document.documentElement.dataset.formulas = "prontas";
      document.dispatchEvent(new Event("recorrente:tipografado"));
    };
    if (window.MathJax.startup.promise) {
      tipografar();
      return;
    }
    const script = document.createElement("script");
    script.src = endereco;
    script.async = true;
    script.addEventListener("load", tipografar);
    document.head.appendChild(script);
  });
})();
