<div class="recorrente-capa">
  <h1>{{ config.site_name }}</h1>
  <p class="recorrente-capa__subtitulo">{{ config.site_description }}</p>
  <p>Versão para imprimir: todos os capítulos e o glossário numa página só. Para salvar em
  PDF, use <em>Imprimir → Salvar como PDF</em> no navegador.</p>
  <!-- pdf --><!-- /pdf -->
  <p>Repositório: {{ config.repo_url }}<br>{{ config.copyright }}</p>
</div>
