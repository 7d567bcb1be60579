// Tipografa no Node, em lote, as fórmulas que hooks/typeset_math.py tirou do site construído.
//
// Entrada padrão (JSON): {"formulas": [[tex, exibida], ...], "fontURL": "..."}, o TeX já sem os
// delimitadores \( \) ou \[ \]. Saída padrão (JSON): {"html": [...], "css": "...", "errors": [...]},
// um <mjx-container> por fórmula, na mesma ordem, com a MathML escondida para o leitor de tela
// (AssistiveMmlHandler, como o MathJax do navegador fazia), e a folha de estilo CHTML de todas
// elas juntas (só os caracteres usados). errors lista as fórmulas que o MathJax não entendeu.
//
// A configuração do TeX (delimitadores, digits da vírgula decimal) é a do navegador: lida de
// docs/assets/mathjax-config.js, para haver um lugar só para ela.
import { readFileSync } from "node:fs";
import vm from "node:vm";

import { mathjax } from "mathjax-full/js/mathjax.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { CHTML } from "mathjax-full/js/output/chtml.js";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { AssistiveMmlHandler } from "mathjax-full/js/a11y/assistive-mml.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";

// O window.MathJax que o mathjax-config.js monta no navegador.
function browserConfig() {
  const source = readFileSync(new URL("../docs/assets/mathjax-config.js", import.meta.url), "utf8");
  const sandbox = {
    window: {},
    document: { currentScript: { src: "http://localhost/assets/mathjax-config.js" } },
    document$: { subscribe() {} },
    URL,
  };
  vm.runInNewContext(source, sandbox);
  return sandbox.window.MathJax;
}

// No navegador, os pacotes que o tex-chtml.js não traz carregam sozinhos (autoload) quando um
// comando deles aparece; aqui vão todos, menos o textmacros (muda o \text{}, e o navegador não
// o carrega), o noerrors e o noundefined: sem eles, um erro de TeX ou um comando que não existe
// vira um erro que o build mostra, em vez de um texto vermelho na página.
const PACKAGES = AllPackages.filter(
  (name) => !["noerrors", "noundefined", "textmacros"].includes(name),
);

const request = JSON.parse(readFileSync(0, "utf8"));
const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const { tex: texOptions } = browserConfig();
const document = mathjax.document("", {
  InputJax: new TeX({ ...texOptions, packages: PACKAGES }),
  OutputJax: new CHTML({ fontURL: request.fontURL }),
});

const errors = [];
const html = request.formulas.map(([tex, display]) => {
  const node = document.convert(tex, { display });
  const merror = adaptor.tags(node, "mjx-merror")[0];
  if (merror) errors.push({ tex, error: adaptor.getAttribute(merror, "data-mjx-error") });
  return adaptor.outerHTML(node);
});

// No navegador, o MathJax mede o "x" do texto em volta e aumenta a fórmula até o x dela ter a
// mesma altura (matchFontHeight; 119,5 % com a fonte do sistema no Chromium daqui). No Node não
// há texto para medir: a regra abaixo faz a mesma conta no CSS, em ex do texto em volta (no
// font-size, o ex é o da fonte do pai), na fonte de cada leitor.
const { x_height: xHeight } = document.outputJax.font.params;
const scale = `\nmjx-container[jax="CHTML"] {\n  font-size: ${(1 / xHeight).toFixed(4)}ex;\n}\n`;
const css = adaptor.textContent(document.outputJax.styleSheet(document)) + scale;
process.stdout.write(JSON.stringify({ html, css, errors }));
