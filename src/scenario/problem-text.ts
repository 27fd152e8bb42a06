// The lab's own framing of load problems in the reader's language (as src/sim/notes.ts does for
// hops). A problem keeps `message`, the English text the CLI prints and its JSON carries, and may
// carry a `note` ({ key, params }) the page renders in English or Simplified Chinese from this one
// table. What Kubernetes or a tool says (an apiserver field error, kubectl's text, the YAML or JSON
// parser's message) is a parameter, shown verbatim in both languages; only the framing is ours.

export type ProblemLang = 'en' | 'zh';

export const problemTextsEn = {
  'problem.tooLargeFile': 'file is {size}; the lab reads scenario files up to {max}',
  'problem.tooManyObjects': 'file has {count} objects; the lab reads up to {max} (file not loaded)',
  'problem.invalidJson': 'invalid JSON: {detail}',
  'problem.invalidYaml': 'invalid YAML: {detail}',
  'problem.unclosed.flowSeq': 'invalid YAML: the flow sequence "[" opened here is never closed ({detail})',
  'problem.unclosed.flowMap': 'invalid YAML: the flow mapping "{" opened here is never closed ({detail})',
  'problem.unclosed.double': 'invalid YAML: the double-quoted string opened here is never closed ({detail})',
  'problem.unclosed.single': 'invalid YAML: the single-quoted string opened here is never closed ({detail})',
  'problem.noObjectsInFile': 'no objects in this file',
  'problem.depth': 'nesting too deep: the lab reads maps and lists nested up to {max} levels',
  'problem.indent': 'nesting too deep: line {line} is indented more than {max} columns',
  'problem.compactNesting': 'nesting too deep: line {line} opens more than {max} mappings',
  'problem.flowNesting': 'nesting too deep: more than {max} levels of [ and { by line {line}',
  'problem.tooManyValues': 'too many values: the lab reads up to {max} in one document',
  'problem.aliasBomb': 'aliases expand to more than {max} values: the lab refuses this document',
  'problem.forbiddenKey': 'key "{key}" ignored: it is not a Kubernetes field and could change how the object behaves',
  'problem.objectInvalid': '{who} is invalid, not loaded: {detail}',
  'problem.newerScenario':
    'this scenario was written by a newer netlab (format version {version}); this lab reads up to version {max}',
  'problem.duplicateObject':
    '{label} is defined twice: here and at {where}; this later definition is used, as a second kubectl apply would',
  'problem.settingsIgnored': 'settings ignored: lab settings come from the first scenario file ({file})',
  'problem.duplicateClient': 'client {client} is defined twice (first at {where}); this one is ignored',
  'problem.duplicateRequest': 'request {request} is defined twice (first at {where}); this one is ignored',
  'problem.unknownClient': 'request {request}: from: no client named {client}',
  'problem.lessonIgnored': 'lesson ignored: the lesson comes from {file}',
  'problem.lessonRequest': 'lesson[{index}].request: no saved request with id {id}',
  'problem.editsIgnored': "edits ignored: the lab's edits come from {file}",
  'problem.viewRequest': 'view.selectedRequest: no saved request with id {id}',
  'problem.unknownField': '{field}: unknown field, ignored',
  // A document that is no object, and what it holds instead.
  'problem.notAnObject.empty':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found an empty document',
  'problem.notAnObject.list':
    'expected a Kubernetes object (apiVersion, kind, metadata) or a netlab scenario (format: "{format}"), found a list',
  'problem.notAnObject.text':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found text {value}',
  'problem.notAnObject.number':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found number {value}',
  'problem.notAnObject.boolean':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found boolean {value}',
  'problem.notAnObject.value':
    'expected a Kubernetes object (apiVersion, kind, metadata)' +
    ' or a netlab scenario (format: "{format}"), found {type} {value}',
  'problem.notAnObjectSkipped.empty':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found an empty document; skipped',
  'problem.notAnObjectSkipped.list':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found a list; skipped',
  'problem.notAnObjectSkipped.text':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found text {value}; skipped',
  'problem.notAnObjectSkipped.number':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found number {value}; skipped',
  'problem.notAnObjectSkipped.boolean':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found boolean {value}; skipped',
  'problem.notAnObjectSkipped.value':
    'expected a Kubernetes object (a map with apiVersion, kind and metadata), found {type} {value}; skipped',
} as const;

export type ProblemNoteKey = keyof typeof problemTextsEn;
export type ProblemParams = Readonly<Record<string, string | number>>;

/** The lab's framing of a problem, to be rendered in the reader's language. */
export interface ProblemNote {
  key: ProblemNoteKey;
  params: ProblemParams;
}

export const problemTextsZh: Record<ProblemNoteKey, string> = {
  'problem.tooLargeFile': '文件大小为 {size}；实验室读取的场景文件最大为 {max}',
  'problem.tooManyObjects': '文件含 {count} 个对象；实验室最多读取 {max} 个（文件未载入）',
  'problem.invalidJson': 'JSON 无效：{detail}',
  'problem.invalidYaml': 'YAML 无效：{detail}',
  'problem.unclosed.flowSeq': 'YAML 无效：此处开始的流式序列 "[" 没有闭合（{detail}）',
  'problem.unclosed.flowMap': 'YAML 无效：此处开始的流式映射 "{" 没有闭合（{detail}）',
  'problem.unclosed.double': 'YAML 无效：此处开始的双引号字符串没有闭合（{detail}）',
  'problem.unclosed.single': 'YAML 无效：此处开始的单引号字符串没有闭合（{detail}）',
  'problem.noObjectsInFile': '此文件中没有对象',
  'problem.depth': '嵌套过深：实验室读取的映射和列表最多嵌套 {max} 层',
  'problem.indent': '嵌套过深：第 {line} 行缩进超过 {max} 列',
  'problem.compactNesting': '嵌套过深：第 {line} 行开启了超过 {max} 个映射',
  'problem.flowNesting': '嵌套过深：到第 {line} 行为止，[ 和 { 嵌套超过 {max} 层',
  'problem.tooManyValues': '值过多：实验室在一个文档中最多读取 {max} 个值',
  'problem.aliasBomb': '别名展开后超过 {max} 个值：实验室拒绝读取此文档',
  'problem.forbiddenKey': '已忽略键 "{key}"：它不是 Kubernetes 字段，且可能改变对象的行为',
  'problem.objectInvalid': '{who} 无效，未载入：{detail}',
  'problem.newerScenario': '此场景由更新版本的 netlab 编写（格式版本 {version}）；本实验室最多读取到版本 {max}',
  'problem.duplicateObject': '{label} 定义了两次：此处和 {where}；采用后一个定义，与再次执行 kubectl apply 的结果相同',
  'problem.settingsIgnored': '已忽略 settings：实验室设置取自第一个场景文件（{file}）',
  'problem.duplicateClient': '客户端 {client} 定义了两次（第一次在 {where}）；忽略此处的定义',
  'problem.duplicateRequest': '请求 {request} 定义了两次（第一次在 {where}）；忽略此处的定义',
  'problem.unknownClient': '请求 {request}：from：没有名为 {client} 的客户端',
  'problem.lessonIgnored': '已忽略 lesson：课程取自 {file}',
  'problem.lessonRequest': 'lesson[{index}].request：没有 id 为 {id} 的已保存请求',
  'problem.editsIgnored': '已忽略 edits：实验室的编辑记录取自 {file}',
  'problem.viewRequest': 'view.selectedRequest：没有 id 为 {id} 的已保存请求',
  'problem.unknownField': '{field}：未知字段，已忽略',
  'problem.notAnObject.empty':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是空文档',
  'problem.notAnObject.list':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是一个列表',
  'problem.notAnObject.text':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是文本 {value}',
  'problem.notAnObject.number':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是数字 {value}',
  'problem.notAnObject.boolean':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是布尔值 {value}',
  'problem.notAnObject.value':
    '应为 Kubernetes 对象（apiVersion、kind、metadata）或 netlab 场景（format: "{format}"），实际是{type} 类型的值 {value}',
  'problem.notAnObjectSkipped.empty':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是空文档；已跳过',
  'problem.notAnObjectSkipped.list':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是一个列表；已跳过',
  'problem.notAnObjectSkipped.text':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是文本 {value}；已跳过',
  'problem.notAnObjectSkipped.number':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是数字 {value}；已跳过',
  'problem.notAnObjectSkipped.boolean':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是布尔值 {value}；已跳过',
  'problem.notAnObjectSkipped.value':
    '应为 Kubernetes 对象（含 apiVersion、kind 和 metadata 的映射），实际是{type} 类型的值 {value}；已跳过',
};

const TEXTS: Record<ProblemLang, Record<ProblemNoteKey, string>> = { en: problemTextsEn, zh: problemTextsZh };

/** One entry of the table in `lang`, its `{name}` placeholders filled from `params`. */
export function renderProblemNote(lang: ProblemLang, note: ProblemNote): string {
  return TEXTS[lang][note.key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(note.params, name) ? String(note.params[name]) : whole,
  );
}

/** A problem's framing: the English message (rendered from the table) and the note it came from. */
export function noted(key: ProblemNoteKey, params: ProblemParams = {}): { message: string; note: ProblemNote } {
  const note = { key, params };
  return { message: renderProblemNote('en', note), note };
}

/** A problem's text in the reader's language: its note when it has one, else its message as written. */
export function problemText(lang: ProblemLang, p: { message: string; note?: ProblemNote }): string {
  return p.note ? renderProblemNote(lang, p.note) : p.message;
}
