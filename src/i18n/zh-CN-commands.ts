/**
 * 命令行各命令（`src/cli/commands/*`）的简体中文文本：各自选项的说明、`--help` 的补充说明，以及
 * 打印给人看的输出（`--json` 的键保持稳定的英文）。展开进 `zhCN`（zh-CN.ts），与 `enCommands` 一一对应。
 */
export const zhCNCommands = {
  // ── scriptorium search ────────────────────────────────────────────────────────────────────
  'cli.option.search.limit': '返回的结果数',
  'cli.option.search.notes': '每篇笔记一个结果，而不是每个章节一个',
  'cli.option.search.folder': '只搜索此文件夹下的笔记（如 wiki 或 raw）',
  'cli.option.search.mode': 'lexical、semantic 或 hybrid（默认：已存有向量时为 hybrid，否则为 lexical）',
  'cli.option.search.queries': '批量模式，代替 QUERY：每行一个 {"id": "...", "query": "..."}；\n每个查询打印一行 {"id": "...", "results": [...]}',
  'cli.details.search':
    '查询语法：词语（先要求全部出现，否则任一出现）、"一个短语"、-词语、-"短语"、path:文本、\n' +
    'tag:名称、folder:名称。词语按整词匹配（不补全最后一个词）。\n' +
    '按含义搜索使用 `scriptorium index` 借助嵌入端点存下的段落向量；只嵌入查询本身。\n' +
    '端点出错时，结果为词法搜索的结果，并有一条警告说明。',
  'cli.search.modeNeedsEndpoint': '--mode {mode} 需要嵌入端点：请传入 --embed-model（以及 --embed-base-url），或设置 SCRIPTORIUM_EMBED_MODEL',
  'cli.search.noVectors': '警告：尚未存有 {model} 的段落向量（请用嵌入端点运行 scriptorium index）；结果为词法搜索的结果',
  'cli.search.meaningUnavailable': '警告：按含义搜索不可用（{error}）；结果为词法搜索的结果',
  'cli.search.noResults': '没有结果。',
  'cli.search.cannotReadQueries': '--queries：无法读取 "{file}"：{error}',
  'cli.search.limitTooSmall': '--limit 至少为 1',
  'cli.search.badMode': '--mode 必须是 lexical、semantic 或 hybrid，而不是 "{mode}"',
  'cli.search.noQuery': '请给出 QUERY，或 --queries FILE.jsonl',
  'cli.search.queryAndFile': 'QUERY 和 --queries FILE.jsonl 只能给出其一',

  // ── 嵌入选项（src/cli/embeddings.ts，search、index、related 都接受）──────────────────────────
  'cli.option.embed.baseUrl': '按含义搜索所用的嵌入端点（或 SCRIPTORIUM_EMBED_BASE_URL、仓库的设置）',
  'cli.option.embed.model': '嵌入模型（或 SCRIPTORIUM_EMBED_MODEL、仓库的设置）',
  'cli.embed.noModel': '给出了嵌入端点但没有模型：请传入 --embed-model，或设置 SCRIPTORIUM_EMBED_MODEL',
  'cli.embed.noEndpoint': '没有配置嵌入端点：请传入 --embed-base-url，或设置 SCRIPTORIUM_EMBED_BASE_URL',
  'cli.embed.meaningUnavailable': '警告：按含义搜索不可用（{error}）；搜索为词法搜索',

  // ── scriptorium get ───────────────────────────────────────────────────────────────────────
  'cli.option.get.onlyHeading': '只显示这个标题下的章节（"标题" 或 "上级标题#标题"）',
  'cli.option.get.maxChars': '打印字符数的上限；截断时会说明',
  'cli.details.get':
    '  PATH         相对于仓库的路径；可省略 ".md"；也可以用标题或别名\n' +
    '  :LINE:COUNT  从第 LINE 行开始（从 1 数起），打印 COUNT 行（默认到结尾）',
  'cli.get.badLocation': '无法理解位置 "{spec}"',
  'cli.get.noPath': '请给出 PATH，例如 "raw/Some note.md:10:20"',
  'cli.get.lineFromOne': 'LINE 从 1 开始',
  'cli.get.countTooSmall': 'COUNT 至少为 1',

  // ── scriptorium index ─────────────────────────────────────────────────────────────────────
  'cli.option.index.rebuild': '丢弃缓存，重新索引每一篇笔记',
  'cli.option.index.yes': '首次嵌入整个仓库时不再询问（不在终端中运行时必须给出）',
  'cli.details.index':
    '缓存位于仓库的 Obsidian 配置文件夹中的 plugins/scriptorium/，与插件使用的是同一份。\n' +
    '配置了嵌入端点时（--embed-base-url/--embed-model、SCRIPTORIUM_EMBED_BASE_URL 和\n' +
    'SCRIPTORIUM_EMBED_MODEL、密钥 SCRIPTORIUM_EMBED_API_KEY，或仓库的设置），也会嵌入各段落，\n' +
    '用于按含义搜索；只有文本改变了的段落才会再次发送。首次完整运行会先说明要发送多少段落和\n' +
    '词元，并先询问。Ctrl-C 停止并保留已嵌入的部分；下次运行从那里继续。',
  'cli.index.progress': '正在索引 {done}/{total} 篇笔记……',
  'cli.index.cacheNotSaved': '警告：无法保存索引缓存：{error}',
  'cli.index.indexed': '已索引 {notes} 篇笔记（{sections} 个章节，{terms} 个词项），用时 {ms} 毫秒',
  'cli.index.changes': '  新增 {added}，更新 {updated}，移除 {removed}，未变 {unchanged}',
  'cli.index.changesFromCache': '  新增 {added}，更新 {updated}，移除 {removed}，未变 {unchanged}（从缓存开始）',
  'cli.index.truncated': '  {count} 篇大于 {bytes} 字节的笔记只索引到这个大小为止',
  'cli.index.problems': '  {count} 篇笔记的 frontmatter 损坏或含有二进制内容（已索引可读的部分）',
  'cli.index.cache': '  缓存：{dir}',
  'cli.index.toEmbed': '要用 {model}（{url}）嵌入 {passages} 个段落（约 {tokens} 个词元）',
  'cli.index.refusedNoTerminal': '{what}；没有嵌入任何内容。不在终端中运行时，请传入 --yes 进行嵌入。',
  'cli.index.askEmbed': '{what}。要嵌入吗？',
  'cli.index.refused': '{what}；没有嵌入任何内容。',
  'cli.index.vectorsLine': '  向量：{text}',
  'cli.index.embedding': '正在嵌入：{what}……',
  'cli.index.embedProgress': '正在嵌入 {done}/{total} 个段落……',
  'cli.index.embedStopped': '  向量：已停止，{passages} 个段落中已嵌入 {embedded} 个；再次运行 index 即可从那里继续',
  'cli.index.embedFailed': '  向量：嵌入失败：{error}\n  {passages} 个段落中有 {embedded} 个已有向量；再次运行 index 即可从那里继续',
  'cli.index.embedDone': '  向量：{passages} 个段落中有 {embedded} 个（{dimension} 维，{model}）；本次嵌入 {sent} 个',

  // ── scriptorium undo ──────────────────────────────────────────────────────────────────────
  'cli.option.undo.list': '显示可以撤销的计划',
  'cli.option.undo.force': '即使某个文件在计划写入后又被改动，也照样撤销',
  'cli.details.undo':
    '把上一个计划写入的每个文件恢复为之前的原样字节（新建的文件会被删除）。\n' +
    '若其中有文件之后被改动过则拒绝，除非给出 --force。--list 显示可以撤销的计划。',
  'cli.undo.nothing': '没有可撤销的内容。',
  'cli.undo.historyLine': '{when}  {operation}  {title}  （{count} 个文件）',
  'cli.undo.undone': '已撤销：{title}',
  'cli.undo.undoneInterrupted': '已撤销：{title}（之前被打断的撤销现已完成；没有撤销其他计划）',
  'cli.undo.removed': '  已删除 {path}',
  'cli.undo.restored': '  已恢复 {path}',
  'cli.undo.passForce': '{error} 传入 --force 可强制撤销。',
} as const;
