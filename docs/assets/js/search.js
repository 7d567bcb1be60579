// A busca do Material: responde também ao texto colado e ignora as palavras vazias da consulta.
//
// 1. O Material lê a caixa de busca só no "keyup" (e no foco, e quando o índice fica pronto).
//    Um texto que entra sem tecla, colado pelo menu do mouse, escolhido no corretor do celular
//    ou posto pelo Playwright (page.fill), nunca virava consulta se o índice já estivesse
//    pronto: a busca "às vezes não respondia", conforme a ordem entre o índice e o texto.
//    Todo "input" da caixa passa a avisar o Material como um "keyup".
// 2. O Material busca cada palavra como prefixo ("de" vira "de*") e, com o curinga, o lunr
//    pula o filtro de palavras vazias: em "porta de esquecimento", o "de*" achava "dentro" no
//    título do capítulo 2, que vinha antes da seção das portas do capítulo 4. As palavras
//    vazias saem da consulta enviada ao índice (o texto da caixa fica como o leitor escreveu),
//    desde que sobre alguma outra. Todas estão no filtro do lunr para o português, que já as
//    tira do índice: nenhuma consulta perde um resultado por isso (tests/test_busca.py confere).
(() => {
  const VAZIAS = new Set(
    ("a à ao aos as às com como da das de do dos e em na nas no nos num numa o os ou " +
      "para pela pelas pelo pelos por que se um uma").split(" "),
  );
  const CONSULTA = 2; // SearchMessageType.QUERY do worker do Material

  function semVazias(consulta) {
    const termos = consulta.trim().split(/\s+/);
    const cheios = termos.filter((t) => !VAZIAS.has(t.toLowerCase()));
    return cheios.length && cheios.length < termos.length ? cheios.join(" ") : consulta;
  }

  // 3. Um termo que é só "0" torna a consulta inteira inválida no worker do Material ("Invalid
  //    query": "dimension 0" não achava nada, e a mensagem colada de três caixas "Erro comum",
  //    com "dimension 0", "hidden[0]" ou "greater than 0", também não). O zero sozinho (não o de
  //    "10" ou "0.5") sai da consulta.
  function semZero(consulta) {
    const limpa = consulta.replace(/(^|[^\w.])0+(?![\w.])/g, "$1").trim();
    return limpa || consulta;
  }

  const enviar = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (mensagem, ...resto) {
    if (mensagem?.type === CONSULTA && typeof mensagem.data === "string") {
      let consulta = semZero(mensagem.data);
      if (!/["+\-~^:]/.test(consulta)) consulta = semVazias(consulta);
      mensagem = { ...mensagem, data: consulta };
    }
    return enviar.call(this, mensagem, ...resto);
  };

  document.addEventListener("input", (evento) => {
    if (evento.target.matches?.(".md-search__input")) {
      evento.target.dispatchEvent(new KeyboardEvent("keyup"));
    }
  });
})();
