// O modelo de nomes do capítulo 6 rodando no navegador do leitor, sem servidor nem biblioteca.
//
// O arquivo do modelo vem de recorrente.web.export_name_model (pesos float32 com um cabeçalho
// JSON) e a lista do censo de recorrente.web.pack_names (codificação de prefixo); os dois são
// escritos ao lado das figuras do capítulo pelo scripts/paginas.py. As contas são as de
// recorrente.cells.GRUCell e de recorrente.generation (temperatura, top-k, sorteio), e os
// testes (tests/test_nomes_web.py) comparam a página com o PyTorch.

const FORMAT = "recorrente-nomes/1";
const MAX_LENGTH = 30; // como sample_names: tamanho máximo do nome, prefixo incluído
const MAX_TEMPERATURE = 5;
const BOUNDARY = ".";
const fmt = (x, digits = 2) =>
  x.toLocaleString("pt-BR", { minimumFractionDigits: digits, maximumFractionDigits: digits });

// --- o modelo -------------------------------------------------------------------------------

/** Lê o arquivo binário: "RNOM", tamanho do cabeçalho, cabeçalho JSON e tensores float32. */
export function parseModel(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.slice(0, 4));
  const view = new DataView(buffer);
  if (magic !== "RNOM") throw new Error("arquivo de modelo inválido");
  const size = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.slice(8, 8 + size)));
  if (header.format !== FORMAT || header.kind !== "gru") throw new Error("formato desconhecido");
  const tensors = {};
  let offset = 8 + size;
  for (const [name, shape] of header.tensors) {
    const count = shape.reduce((a, b) => a * b, 1);
    tensors[name] = new Float32Array(buffer.slice(offset, offset + 4 * count));
    offset += 4 * count;
  }
  return new NameModel(header, tensors);
}

export class NameModel {
  constructor(header, t) {
    this.header = header;
    this.chars = [...header.chars];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
    this.V = this.chars.length;
    const H = (this.H = header.hidden_size);
    const E = header.embedding_size;
    this.Whh = t["rnn.weight_hh_l0"]; // (3H, H), linhas na ordem r, z, n do PyTorch
    this.bhh = t["rnn.bias_hh_l0"];
    this.Wout = t["head.weight"]; // (V, H)
    this.bout = t["head.bias"];
    // x_t W_xh + b_xh depende só do símbolo lido: uma tabela (V, 3H) calculada uma vez.
    const emb = t["embedding.weight"], Wih = t["rnn.weight_ih_l0"], bih = t["rnn.bias_ih_l0"];
    this.inputTable = [];
    for (let v = 0; v < this.V; v++) {
      const row = new Float64Array(3 * H);
      for (let j = 0; j < 3 * H; j++) {
        let s = bih[j];
        for (let e = 0; e < E; e++) s += Wih[j * E + e] * emb[v * E + e];
        row[j] = s;
      }
      this.inputTable.push(row);
    }
  }

  initialState() {
    return new Float64Array(this.H);
  }

  /** Um passo da GRU (as equações de recorrente.cells.GRUCell): devolve h, r, z e n. */
  step(h, symbol) {
    const H = this.H, x = this.inputTable[symbol], W = this.Whh, b = this.bhh;
    const hh = new Float64Array(3 * H);
    for (let j = 0; j < 3 * H; j++) {
      let s = b[j];
      const base = j * H;
      for (let k = 0; k < H; k++) s += W[base + k] * h[k];
      hh[j] = s;
    }
    const r = new Float64Array(H), z = new Float64Array(H), n = new Float64Array(H);
    const out = new Float64Array(H);
    for (let k = 0; k < H; k++) {
      r[k] = 1 / (1 + Math.exp(-(x[k] + hh[k])));
      z[k] = 1 / (1 + Math.exp(-(x[H + k] + hh[H + k])));
      n[k] = Math.tanh(x[2 * H + k] + r[k] * hh[2 * H + k]);
      out[k] = (1 - z[k]) * n[k] + z[k] * h[k];
    }
    return { h: out, r, z, n };
  }

  logits(h) {
    const H = this.H, out = new Float64Array(this.V);
    for (let v = 0; v < this.V; v++) {
      let s = this.bout[v];
      for (let k = 0; k < H; k++) s += this.Wout[v * H + k] * h[k];
      out[v] = s;
    }
    return out;
  }

  /** O nome como o modelo o lê: minúsculas, sem acentos; e os caracteres que ele não conhece. */
  prepare(text) {
    const clean = String(text).trim().split(/\s+/).join(" ").toLowerCase();
    const folded = clean.normalize("NFD").replace(/\p{Mn}/gu, "");
    const unknown = [...new Set([...folded].filter((c) => c === BOUNDARY || !this.index.has(c)))];
    return { folded, unknown, changed: folded !== clean };
  }

  /** Estado e logits depois de ler "." e o prefixo (já preparado, só com letras conhecidas). */
  read(prefix) {
    let h = this.initialState();
    for (const symbol of [0, ...[...prefix].map((c) => this.index.get(c))]) {
      h = this.step(h, symbol).h;
    }
    return { h, logits: this.logits(h) };
  }

  /** A distribuição do próximo caractere depois do prefixo: softmax(z / τ), com top-k. */
  distribution(prefix, { temperature = 1, topK = null } = {}) {
    return probabilities(this.read(prefix).logits, temperature, topK);
  }

  /** Sorteia `count` nomes, um depois do outro, com o gerador de semente `seed`. */
  generate({ count = 10, temperature = 1, topK = null, prefix = "", seed = 0 } = {}) {
    const random = mulberry32(seed);
    const start = this.read(prefix);
    const names = [];
    for (let i = 0; i < count; i++) {
      let { h, logits } = start;
      let name = prefix;
      while (name.length < MAX_LENGTH) {
        const next = pick(probabilities(logits, temperature, topK), random);
        if (next === 0) break;
        name += this.chars[next];
        h = this.step(h, next).h;
        logits = this.logits(h);
      }
      names.push(name);
    }
    return names;
  }

  /** Para "O que a rede vê": cada letra com a probabilidade que recebeu e as ativações. */
  trace(name) {
    let h = this.step(this.initialState(), 0).h;
    let logits = this.logits(h);
    const steps = [];
    let nll = 0;
    for (const c of [...name, BOUNDARY]) {
      const symbol = this.index.get(c);
      const p = probabilities(logits, 1, null)[symbol];
      nll -= Math.log(p);
      if (c === BOUNDARY) {
        steps.push({ char: c, p });
        break;
      }
      const gates = this.step(h, symbol);
      h = gates.h;
      logits = this.logits(h);
      steps.push({ char: c, p, h: gates.h, z: gates.z, r: gates.r });
    }
    return { steps, nll: nll / (name.length + 1) };
  }
}

/** softmax(z / τ) com top-k (os logits abaixo do k-ésimo maior saem); τ = 0: o maior leva tudo. */
export function probabilities(logits, temperature = 1, topK = null) {
  const V = logits.length;
  const probs = new Float64Array(V);
  if (temperature === 0) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
    probs[best] = 1;
    return probs;
  }
  const scaled = Array.from(logits, (z) => z / temperature);
  if (topK !== null && topK < V) {
    const kth = [...scaled].sort((a, b) => b - a)[topK - 1];
    for (let v = 0; v < V; v++) if (scaled[v] < kth) scaled[v] = -Infinity;
  }
  const max = Math.max(...scaled);
  let total = 0;
  for (let v = 0; v < V; v++) total += probs[v] = Math.exp(scaled[v] - max);
  for (let v = 0; v < V; v++) probs[v] /= total;
  return probs;
}

function pick(probs, random) {
  const u = random();
  let cumulative = 0, last = 0;
  for (let v = 0; v < probs.length; v++) {
    if (probs[v] === 0) continue;
    cumulative += probs[v];
    last = v;
    if (u < cumulative) return v;
  }
  return last;
}

/** Gerador pseudoaleatório com semente (mulberry32): números em [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Desfaz recorrente.web.pack_names: cada nome começa por chr(48 + letras em comum). */
export function unpackNames(text) {
  const names = new Set();
  let current = null;
  for (const c of text) {
    const code = c.charCodeAt(0);
    if (code >= 48 && code <= 95) {
      if (current !== null) names.add(current);
      current = (current ?? "").slice(0, code - 48);
    } else {
      current += c;
    }
  }
  if (current) names.add(current);
  return names;
}

// --- a página -------------------------------------------------------------------------------

let loading = null;

/** O modelo e os nomes do censo, carregados uma vez só por página. */
export function pageModel() {
  if (!loading) {
    const root = document.querySelector("[data-nomes-widget]");
    const modelUrl = root.querySelector("#nomes-modelo").href;
    const namesUrl = root.querySelector("#nomes-censo").href;
    loading = Promise.all([
      fetch(modelUrl).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(r.status))),
      fetch(namesUrl).then((r) => (r.ok ? r.text() : Promise.reject(r.status))),
    ]).then(([buffer, text]) => {
      const model = parseModel(buffer);
      model.census = unpackNames(text);
      return model;
    });
  }
  return loading;
}

const LEGENDS = {
  p: "Cor: do vermelho (letra pouco provável para a rede) ao verde (muito provável).",
  h: "Cor: laranja para valores positivos, azul para negativos; mais forte, mais longe de zero (h vai de −1 a 1).",
  z: "Cor: mais forte, mais perto de 1 (a porta vai de 0 a 1; z perto de 1 mantém o estado anterior).",
  r: "Cor: mais forte, mais perto de 1 (a porta vai de 0 a 1; r perto de 0 faz a candidata n ignorar o estado anterior).",
};

const GATES = {
  h: "estado h",
  z: "porta de atualização z",
  r: "porta de reinício r",
};

function html(strings, ...values) {
  const template = document.createElement("template");
  template.innerHTML = String.raw(strings, ...values).trim();
  return template.content.firstElementChild;
}

function build(root) {
  const ui = html`
    <div class="nomes-ui">
      <form class="nomes-gerador" novalidate>
        <fieldset>
          <legend>Gerar nomes</legend>
          <div class="nomes-campos">
            <label>Temperatura τ
              <input type="text" name="temperatura" value="0,8" inputmode="decimal"
                autocomplete="off" size="5" aria-describedby="nomes-ajuda-t">
            </label>
            <input type="range" name="faixa" min="0" max="2" step="0.05" value="0.8"
              aria-label="Temperatura τ (controle deslizante, de 0 a 2)">
            <label>top-k
              <input type="number" name="topk" min="1" step="1" placeholder="todas"
                inputmode="numeric" aria-describedby="nomes-ajuda-k">
            </label>
            <label>Prefixo
              <input type="text" name="prefixo" maxlength="20" autocomplete="off"
                spellcheck="false">
            </label>
            <label>Semente
              <input type="number" name="semente" step="1" value="42" inputmode="numeric">
            </label>
            <button type="submit" class="md-button md-button--primary">Gerar</button>
          </div>
          <p class="nomes-ajuda" id="nomes-ajuda-t">τ = 0 escolhe sempre a letra mais provável;
            τ &gt; 1 espalha o sorteio.</p>
          <p class="nomes-ajuda" id="nomes-ajuda-k">top-k vazio: sorteia entre todas as letras.</p>
          <p class="nomes-mensagem" role="status" aria-live="polite"></p>
          <ol class="nomes-lista" aria-label="Nomes gerados"></ol>
        </fieldset>
      </form>
      <form class="nomes-ver" novalidate>
        <fieldset>
          <legend>O que a rede vê</legend>
          <div class="nomes-campos">
            <label>Nome <input type="text" name="nome" value="gabriel" maxlength="30"
              autocomplete="off" spellcheck="false"></label>
            <label>Cor
              <select name="cor">
                <option value="p">probabilidade de cada letra</option>
                <option value="h">${GATES.h} (uma unidade)</option>
                <option value="z">${GATES.z} (uma unidade)</option>
                <option value="r">${GATES.r} (uma unidade)</option>
              </select>
            </label>
            <label>Unidade <input type="number" name="unidade" min="0" step="1" value="0"
              inputmode="numeric"></label>
          </div>
          <div class="nomes-sugestoes" role="group" aria-label="Unidades sugeridas"></div>
          <div class="nomes-letras" role="list" aria-label="Letras do nome, com o valor de cada uma"></div>
          <p class="nomes-ajuda nomes-legenda"></p>
          <p class="nomes-resumo" role="status" aria-live="polite"></p>
        </fieldset>
      </form>
    </div>`;
  root.prepend(ui);
  root.classList.add("nomes-ativo");
  return ui;
}

/** Lê um número escrito com vírgula decimal (0,8) ou com ponto (0.8); NaN se não for número. */
function parseDecimal(text) {
  const normalized = text.replace(",", ".");
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(normalized) ? Number(normalized) : NaN;
}

function readOptions(form, model) {
  const f = form.elements;
  const tText = f.temperatura.value.trim();
  if (tText === "") {
    return { error: "Informe a temperatura: um número de 0 a 5 (0 escolhe sempre a letra mais provável)." };
  }
  const temperature = parseDecimal(tText);
  if (!Number.isFinite(temperature) || temperature < 0 || temperature > MAX_TEMPERATURE) {
    return { error: `Temperatura inválida: ${tText}. Use um número de 0 a 5, como 0,8.` };
  }
  const kText = f.topk.value.trim();
  const topK = kText === "" ? null : Number(kText);
  if (topK !== null && !(Number.isInteger(topK) && topK >= 1 && topK <= model.V)) {
    return { error: `top-k inválido: ${kText}. Use um inteiro de 1 a ${model.V}, ou deixe vazio.` };
  }
  const seedText = f.semente.value.trim();
  const seed = Number(seedText);
  if (seedText === "" || !Number.isInteger(seed) || seed < 0 || seed > 4294967295) {
    return { error: "Semente inválida: use um inteiro de 0 a 4.294.967.295, como 42." };
  }
  const { folded, unknown, changed } = model.prepare(f.prefixo.value);
  if (unknown.length) {
    return {
      error: `O prefixo tem caracteres que o modelo não conhece: ${unknown.map((c) => `“${c}”`).join(", ")}. ` +
        "Use só letras de a a z (os acentos são tirados, como no censo).",
    };
  }
  if (folded.length >= MAX_LENGTH) {
    return { error: `Prefixo longo demais: use menos de ${MAX_LENGTH} letras.` };
  }
  const note = changed && folded ? `Prefixo lido como “${folded}”: o censo não tem acentos. ` : "";
  return { temperature, topK, seed, prefix: folded, note };
}

function showNames(ui, model) {
  const form = ui.querySelector(".nomes-gerador");
  const message = form.querySelector(".nomes-mensagem");
  const list = form.querySelector(".nomes-lista");
  const options = readOptions(form, model);
  if (options.error) {
    list.replaceChildren(); // a lista velha não fica embaixo do erro, como se fosse destas opções
    message.textContent = options.error;
    message.classList.add("nomes-erro");
    return;
  }
  const start = performance.now();
  const names = model.generate({ count: 10, ...options });
  const ms = performance.now() - start;
  list.replaceChildren(
    ...names.map((name) => {
      const item = document.createElement("li");
      item.textContent = name || "(vazio)";
      if (model.census.has(name)) {
        const mark = document.createElement("span");
        mark.className = "nomes-censo";
        mark.textContent = "no censo";
        item.append(" ", mark);
      }
      return item;
    }),
  );
  const known = names.filter((n) => model.census.has(n)).length;
  message.classList.remove("nomes-erro");
  message.textContent = `${options.note}${known} de ${names.length} nomes existem no censo ` +
    `(sorteados em ${fmt(ms, 1)} ms).`;
}

function colour(kind, value) {
  if (kind === "p") return `hsla(${Math.round(120 * value)}, 75%, 45%, 0.45)`;
  if (kind === "h") {
    return value >= 0 ? `hsla(25, 95%, 50%, ${Math.abs(value)})` : `hsla(210, 85%, 50%, ${Math.abs(value)})`;
  }
  return `hsla(174, 100%, 30%, ${value})`;
}

function showTrace(ui, model) {
  const form = ui.querySelector(".nomes-ver");
  const f = form.elements;
  const box = form.querySelector(".nomes-letras");
  const summary = form.querySelector(".nomes-resumo");
  const { folded, unknown } = model.prepare(f.nome.value);
  const kind = f.cor.value;
  const unit = Number(f.unidade.value);
  f.unidade.disabled = kind === "p";
  form.querySelector(".nomes-legenda").textContent = LEGENDS[kind];
  if (unknown.length) {
    box.replaceChildren();
    summary.textContent = `O nome tem caracteres que o modelo não conhece: ` +
      `${unknown.map((c) => `“${c}”`).join(", ")}. Use só letras de a a z.`;
    return;
  }
  if (!folded) {
    box.replaceChildren();
    summary.textContent = "Digite um nome para ver o que a rede vê.";
    return;
  }
  if (kind !== "p" && !(Number.isInteger(unit) && unit >= 0 && unit < model.H)) {
    box.replaceChildren();
    summary.textContent = `Unidade inválida: use um inteiro de 0 a ${model.H - 1}.`;
    return;
  }
  const { steps, nll } = model.trace(folded);
  box.replaceChildren(
    ...steps.map((s) => {
      const cell = document.createElement("span");
      cell.setAttribute("role", "listitem");
      cell.className = "nomes-letra";
      const shown = s.char === BOUNDARY ? "fim" : s.char;
      const value = kind === "p" ? s.p : s[kind]?.[unit];
      const text = value === undefined ? "—" : kind === "p" ? `${fmt(100 * value, 0)}%` : fmt(value);
      cell.innerHTML = `<span class="nomes-char"></span><span class="nomes-valor"></span>`;
      cell.firstChild.textContent = shown;
      cell.lastChild.textContent = text;
      if (value !== undefined) cell.style.background = colour(kind, value);
      const what = kind === "p" ? "probabilidade" : `${GATES[kind]}, unidade ${unit}`;
      cell.setAttribute("aria-label", `${shown}: ${what} ${text}`);
      cell.title = `${shown}: ${what} ${text}`;
      return cell;
    }),
  );
  const exists = model.census.has(folded) ? "está no censo" : "não está no censo";
  summary.textContent = `“${folded}”: ${fmt(nll)} nats por caractere (perplexidade ` +
    `${fmt(Math.exp(nll))}); ${exists}.`;
}

function suggestions(ui, model) {
  const box = ui.querySelector(".nomes-sugestoes");
  const form = ui.querySelector(".nomes-ver");
  for (const s of model.header.units || []) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button";
    button.textContent = `${s.gate} ${s.unit}: correlação ${fmt(s.r)} com ${s.feature}`;
    button.addEventListener("click", () => {
      form.elements.cor.value = s.gate;
      form.elements.unidade.value = String(s.unit);
      showTrace(ui, model);
    });
    box.append(button);
  }
  if (box.children.length) box.prepend("Sugestões (medidas no capítulo): ");
}

async function start(root, ui) {
  const generator = ui.querySelector(".nomes-gerador");
  const message = generator.querySelector(".nomes-mensagem");
  message.textContent = "Carregando o modelo…";
  let model;
  try {
    model = await pageModel();
  } catch {
    message.textContent = "Não foi possível carregar o modelo; recarregue a página.";
    return;
  }
  message.textContent = "";
  const f = generator.elements;
  f.faixa.addEventListener("input", () => (f.temperatura.value = f.faixa.value.replace(".", ",")));
  f.temperatura.addEventListener("input", () => {
    const t = parseDecimal(f.temperatura.value.trim());
    if (f.temperatura.value !== "" && Number.isFinite(t)) f.faixa.value = String(Math.min(t, 2));
  });
  f.topk.max = String(model.V);
  generator.addEventListener("submit", (event) => {
    event.preventDefault();
    showNames(ui, model);
  });
  const viewer = ui.querySelector(".nomes-ver");
  viewer.elements.unidade.max = String(model.H - 1);
  viewer.addEventListener("submit", (event) => event.preventDefault());
  viewer.addEventListener("input", () => showTrace(ui, model));
  suggestions(ui, model);
  showNames(ui, model);
  showTrace(ui, model);
  root.dataset.nomesPronto = "";
}

function init() {
  const root = document.querySelector("[data-nomes-widget]");
  // A versão para imprimir (print-site) fica com a nota em texto, sem o gerador.
  if (!root || document.getElementById("print-site-page")) return;
  // A interface entra já, longe da tela: montada quando o leitor chegava perto, ela trocava a
  // nota curta por um formulário de 900 a 1.400 px e empurrava o que ele estava lendo.
  const ui = build(root);
  if (!("IntersectionObserver" in window)) return void start(root, ui);
  // Como as figuras: o modelo só é baixado quando o leitor chega perto desta seção.
  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        start(root, ui);
      }
    },
    { rootMargin: "600px" },
  );
  observer.observe(root);
}

if (typeof document !== "undefined") init();
