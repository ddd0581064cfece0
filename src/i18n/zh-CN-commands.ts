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
  // ── 计数短语，用于列出数量的行 ────────────────────────────────────────────────────────────
  'cli.count.sourceOne': '1 个来源',
  'cli.count.sources': '{count} 个来源',
  'cli.count.modelCallOne': '1 次模型调用',
  'cli.count.modelCalls': '{count} 次模型调用',
  'cli.count.imageOne': '1 张图片',
  'cli.count.images': '{count} 张图片',
  'cli.count.problemOne': '1 个问题',
  'cli.count.problems': '{count} 个问题',
  'cli.count.changeOne': '1 处更改',
  'cli.count.changes': '{count} 处更改',
  'cli.count.fileOne': '1 个文件',
  'cli.count.files': '{count} 个文件',

  // ── scriptorium compile ───────────────────────────────────────────────────────────────────
  'cli.option.compile.dryRun': '打印带差异的计划；不写入任何内容（仍会调用模型）',
  'cli.option.compile.yes': '大规模编译时不再询问（不在终端中运行时必须给出）',
  'cli.option.compile.force': '即使笔记没有改变也重新编译',
  'cli.option.compile.concurrency': '同时进行的模型请求数（默认：仓库的设置）',
  'cli.details.compile':
    'PATHS 是相对于仓库的文件或文件夹（默认：原始资料文件夹）：markdown 笔记、PDF 论文、图片、\n数据集（CSV、TSV、JSON、JSON Lines）和保存的网页（.html）；存放代码仓库的文件夹（含 package.json\n之类的清单文件及其 README）作为一个来源编译。其他文件列为已跳过。未改变的来源直接跳过，不调用模型。\n计划会被应用，除非给出 --dry-run，那样只打印带差异的计划。--json 给出每个来源的类型和状态。\n超过 {sources} 篇笔记、估计 {calls} 次模型调用或 {tokens} 个提示词元的运行\n（包括试运行：它同样调用模型）会在终端中先请求确认；在其他地方需要 --yes。超过大小上限\n（仓库插件设置中的 maxSourceKB，默认 2048）的笔记会被跳过并报告。\n有人编辑过的文章绝不会被覆盖：它们的合并列为“需要审阅”，留给 Obsidian 中的预览处理。\n退出码：0 成功，1 有笔记失败（仓库不保留它们的任何内容），2 用法错误，130 已停止。',
  'cli.compile.estimate': '待编译：{sources}（约 {calls}，约 {prompt} 个提示词元 + 约 {completion} 个补全词元{images}），未变：{unchanged}{problems}{skipped}',
  'cli.compile.estimate.more': '，{what}',
  'cli.compile.estimate.skipped': '，跳过 {count} 个（Scriptorium 不编译这类文件）',
  'cli.compile.failures': '{sources}中有 {failed} 个失败：{list}',
  'cli.compile.failedNoReason': '失败',
  'cli.compile.needsReviewMark': '  [需要审阅：有人编辑过它]',
  'cli.compile.skippedFile': '- 已跳过 {path}：{reason}',
  'cli.compile.usage': '{calls}，{prompt} 个提示词元 + {completion} 个补全词元',
  'cli.compile.concurrencyTooSmall': '--concurrency 至少为 1',
  'cli.compile.noEndpoint': '没有配置模型端点',
  'cli.compile.tooLargeNoTerminal': '{reason}；没有向模型发送任何内容。不在终端中运行时请传入 --yes，或减少要编译的笔记',
  'cli.compile.askLarge': '{reason}。要编译吗？',
  'cli.compile.nothingCompiled': '没有编译任何内容。',
  'cli.compile.conflictOne': '{paths} 在本次编译期间被改动（另一次 Scriptorium 运行或有人写入了它）；正在基于新文本重新编译……',
  'cli.compile.conflict': '{paths} 在本次编译期间被改动（另一次 Scriptorium 运行或有人写入了它们）；正在基于新文本重新编译……',
  'cli.compile.dryRunPlan': '计划：{title} — {changes}（试运行，未写入任何内容）',
  'cli.compile.allFailed': '{failures}；没有写入任何内容。',
  'cli.compile.allNeedReview': '没有写入任何内容：每处更改都需要审阅。',
  'cli.compile.upToDate': '无需写入：知识库已是最新。',
  'cli.compile.applied': '已应用：{title} — 写入了 {files}（撤销：scriptorium undo --vault DIR）',
  'cli.compile.created': '  已创建 {path}',
  'cli.compile.deleted': '  已删除 {path}',
  'cli.compile.updated': '  已更新 {path}',
  'cli.compile.needsReview': '  需要审阅（未写入）：{path} — 请在 Obsidian 中打开编译预览来合并它',
  'cli.compile.someFailed': '{failures}；它们的内容都没有写入（修正后再次编译）。',
  'cli.count.noteOne': '1 篇笔记',
  'cli.count.notes': '{count} 篇笔记',
  'cli.count.callOne': '1 次调用',
  'cli.count.calls': '{count} 次调用',
  'cli.count.articleOne': '1 篇文章',
  'cli.count.articles': '{count} 篇文章',
  'cli.count.webCallOne': '1 次网络调用',
  'cli.count.webCalls': '{count} 次网络调用',

  // ── scriptorium lint ──────────────────────────────────────────────────────────────────────
  'cli.option.lint.deep': '加上模型检查（矛盾、无出处的说法、空白……）',
  'cli.option.lint.maxCalls': '--deep 最多可进行的模型调用次数',
  'cli.option.lint.report': '把报告笔记写入知识库的输出文件夹',
  'cli.option.lint.fix': '应用一项建议的修复（编号列在检查结果之后）',
  'cli.option.lint.dryRun': '与 --fix 一起使用：显示其差异，不写入任何内容',
  'cli.option.lint.yes': '与 --fix 一起使用：连有人编辑过的笔记也一并修改',
  'cli.option.lint.web': '与 --deep 一起使用：提供修复 "web-sources"，为空白、无出处的说法和建议的文章从网络寻找来源',
  'cli.details.lint':
    '结构检查不需要模型。--deep 加上矛盾、无出处的说法、空白、建议的文章和问题的检查\n（最多 --max-calls 次模型调用，默认 8；会先打印估算）。\n--report 把报告笔记写入知识库的输出文件夹（一个变更计划；可撤销）。\n--fix ID 应用一项建议的修复（编号列在检查结果之后）；--dry-run 显示其差异；\n对有人编辑过的笔记的更改会被略过，除非给出 --yes。\n--json 打印 {"findings": [{"kind","path","line","target","message"}], "counts": {...}, "fixes": [...]}。\n退出码：0 没有问题（提示信息除外），1 发现问题，2 检查本身失败，130 已停止（Ctrl-C）。\n使用 --deep 时，模型回复在一次修复请求之后仍不可用（格式错误、为空、拒绝）的深度检查视为没有运行：\n它会在标准错误中列出；没有任何深度检查得到可用回答时退出码为 2，其余检查（或结构检查）发现问题时为 1，\n什么也没发现时为 2（缺少检查时不能断言结果无误）。\n--web（与 --deep 一起使用；网络搜索服务来自 --web-provider、SCRIPTORIUM_WEB_PROVIDER 或设置）\n提供修复 web-sources：模型把每处空白变成查询，读取最好的结果，并把它们作为网页文件夹（raw/web）\n中的新笔记；报告注明每篇笔记对应的空白。应用该修复之前不会进行任何搜索；它的搜索和读取计入网络调用上限。\n--fix 在修复已写入时退出码为 0，只写入一部分时为 1（或在没有 --yes 时什么都没写：\n每处更改都针对有人编辑过的笔记），问题阻止了所有更改时为 2。',
  'cli.lint.noProblems': '没有问题',
  'cli.lint.withInfo': '{problems}，另有 {info} 条提示信息',
  'cli.lint.found': '{notes}中：{found}。',
  'cli.lint.foundShort': '能运行的检查在{notes}中：{found}；{of} 项深度检查中有 {missing} 项缺失。',
  'cli.lint.modelUsage': '模型检查：{calls}，{prompt} 个提示词元 + {completion} 个补全词元。',
  'cli.lint.modelUsageShort': '模型检查：{calls}，{prompt} 个提示词元 + {completion} 个补全词元；其中 {missing} 项没有得到可用的回答。',
  'cli.lint.fixesHeading': '修复（用 --fix ID 应用；每项修复都是一个变更计划，可用 `scriptorium undo` 撤销）：',
  'cli.lint.fixDryRun': '修复：{label}（试运行，未写入任何内容）',
  'cli.lint.fixApplied': '已应用：{label}（撤销：scriptorium undo --vault DIR）',
  'cli.lint.fixNothing': '没有为此写入任何内容：{label}',
  'cli.lint.wrote': '  已写入 {path}',
  'cli.lint.needsReview': '  需要审阅（未写入）：{path} — 有人编辑过它；传入 --yes 可照样应用',
  'cli.lint.adviceCompile': '请用 `scriptorium doctor` 检查模型，然后再次运行该修复。',
  'cli.lint.adviceOther': '请再次运行 lint，获取最新的修复列表。',
  'cli.lint.fixFailed': '无法应用该修复：{problems}（见上方）阻止了所有更改；没有写入任何内容。{advice}',
  'cli.lint.fixAllReview': '没有写入任何内容：每处更改都针对有人编辑过的笔记（见上方）；传入 --yes 可照样应用。',
  'cli.lint.fixPartial': '修复有一部分无法完成：{problems}（见上方）；再次运行 lint 查看剩下的问题。',
  'cli.lint.maxCallsTooSmall': '--max-calls 至少为 1',
  'cli.lint.fixNeedsId': '--fix 需要一个修复编号（先运行 lint 列出它们）',
  'cli.lint.webNeedsDeep': '--web 需与 --deep 一起使用：网络用来填补模型检查发现的空白',
  'cli.lint.estimate': '模型检查：对 {articles}进行 {calls}（约 {prompt} 个提示词元，最多 {completion} 个补全词元）。',
  'cli.lint.estimateLeftOut': '模型检查：对 {articles}进行 {calls}（约 {prompt} 个提示词元，最多 {completion} 个补全词元）；因 --max-calls 略过了 {leftOut}。',
  'cli.lint.webEstimate': '网络：现在不进行搜索；修复 {fix} 最多向 {provider} 和网页所在站点发出 {calls}（搜索和读取网页），每处空白还有一次模型调用。',
  'cli.lint.noSuchFix': '现在没有适用的修复 "{id}"（问题可能已经修复）。当前的修复：{fixes}',
  'cli.lint.noFixes': '无',
  'cli.lint.reportWritten': '报告已写入 {path}（撤销：scriptorium undo --vault DIR）',
} as const;
