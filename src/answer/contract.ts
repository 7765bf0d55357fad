import { z } from 'zod';

export const EXTRACTIVE = 'extractive';

/** The JSON contract of `policybot ask --json` and `POST /api/ask`. Keep it stable. */
export const CitationSchema = z.object({
  n: z.number().int().positive(),
  docId: z.string(),
  title: z.string(),
  paragraphId: z.string(),
  text: z.string(),
  url: z.string().url(),
  sourceUrl: z.string().nullable(),
  date: z.string().nullable(),
  issuer: z.string().nullable(),
  region: z.string().nullable(),
  docNumber: z.string().nullable(),
  kind: z.enum(['policy', 'law', 'faq', 'news']),
  headingPath: z.array(z.string()),
  /** Which paragraph of the document: 「第十七条」, its heading (「五、所需材料」), or 「第12段」. */
  label: z.string(),
});

export const WarningSchema = z.object({ code: z.enum(['REGION', 'DATED', 'NEWS']), message: z.string() });

/** One ask of a message that asked several things: its own answer, with the message's citation numbers. */
export const PartSchema = z.object({
  question: z.string(),
  abstained: z.boolean(),
  answer: z.string(),
  citations: z.array(CitationSchema),
  warnings: z.array(WarningSchema),
  related: z.array(CitationSchema),
});

export const AnswerSchema = z.object({
  question: z.string(),
  abstained: z.boolean(),
  answer: z.string(),
  citations: z.array(CitationSchema),
  warnings: z.array(WarningSchema),
  timingsMs: z.object({ retrieve: z.number(), total: z.number() }),
  /**
   * With a refusal: the closest provisions, shown under 「相关规定（不是对您问题的直接回答）」; they do
   * not answer the question and are never cited in `answer`. Empty otherwise.
   */
  related: z.array(CitationSchema).default([]),
  /** A message with two or three asks: one part each (`answer` and `citations` combine them). */
  parts: z.array(PartSchema).optional(),
  /** How the message was understood, when it was rewritten (a follow-up, a long message): 「广州 失业保险金 申请材料」. */
  understood: z.string().optional(),
  /** Who wrote `answer`: 「extractive」 (sentences of the documents) or the language model, 「openai:deepseek-chat」. */
  generatedBy: z.string().default(EXTRACTIVE),
  /** Sentences of the model's answer dropped because they cited no given passage or stated a number it does not. */
  droppedSentences: z.number().int().min(0).default(0),
});

export type Citation = z.infer<typeof CitationSchema>;
export type Warning = z.infer<typeof WarningSchema>;
export type Part = z.infer<typeof PartSchema>;
export type Answer = z.infer<typeof AnswerSchema>;

/** The heading under which every channel shows `related`. */
export const RELATED_HEADING = '相关规定（不是对您问题的直接回答）';

export const HOTLINE = '12333';
export const ABSTAIN_TEXT = `抱歉，现有政策库中没有找到能回答这个问题的内容，我不想拼凑无关的条文来回答。建议拨打人社服务热线 ${HOTLINE}，或咨询当地人力资源和社会保障部门。`;
