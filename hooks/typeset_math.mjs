// Tipografa no Node, em lote, as fórmulas que hooks/typeset_math.py tirou do site construído.
//
// Entrada padrão (JSON): {"formulas": [[tex, exibida], ...]}, o TeX já sem os delimitadores
// \( \) ou \[ \]. Saída padrão (JSON): {"html": [...], "css": "...", "errors": [...]}, um
// <mjx-container> por fórmula, na mesma ordem, com a MathML escondida para o leitor de tela
// (AssistiveMmlHandler, como o MathJax do navegador fazia), e a folha de estilo da saída SVG.
// errors lista as fórmulas que o MathJax não entendeu.
//
// A saída é SVG, não CHTML (a do MathJax do navegador). Em CHTML, cada caractere é um elemento
// com a letra numa fonte do MathJax: as fórmulas perto do topo eram metade do layout dos
// quadros desenhados enquanto o HTML chega (cap. 4, issue 24). Em SVG, cada fórmula é um
// desenho: sem fonte para baixar e sem texto para medir. fontCache "none" põe o caminho de cada
// letra no próprio desenho; com "local" ou "global", cada letra é um <use>, e o navegador
// monta uma cópia escondida de cada um (medido: mais lento que os caminhos repetidos).
//
// A configuração do TeX (delimitadores, digits da vírgula decimal) é a do navegador: lida de
// docs/assets/mathjax-config.js, para haver um lugar só para ela.
import { readFileSync } from "node:fs";
import vm from "node:vm";

import { mathjax } from "mathjax-full/js/mathjax.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { SVG } from "mathjax-full/js/output/svg.js";
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
  OutputJax: new SVG({ fontCache: "none" }),
});

const errors = [];
const html = request.formulas.map(([tex, display]) => {
  const out = adaptor.outerHTML(document.convert(tex, { display }));
  // No SVG, o erro de TeX é um <g data-mml-node="merror" data-mjx-error="...">.
  const merror = out.match(/<g [^>]*data-mml-node="merror"[^>]*>/);
  if (merror) errors.push({ tex, error: merror[0].match(/data-mjx-error="([^"]*)"/)?.[1] ?? "" });
  return out;
});

// As medidas do desenho vêm em ex, o x do texto em volta: no navegador, o MathJax CHTML aumenta
// a fórmula até o x dela ter a altura do x do texto (matchFontHeight); em ex, é a mesma conta.
const css = adaptor.textContent(document.outputJax.styleSheet(document));
process.stdout.write(JSON.stringify({ html, css, errors }));
