import { EmptySpaceError, type QuestionSpace, type Template } from '../../templates/template.js';

/** A family's space for random options, or undefined when the options admit no question (any other error is a bug). */
export function spaceOrEmpty<Config>(template: Template<Config>, config: Config): QuestionSpace | undefined {
  try {
    return template.space(config);
  } catch (error) {
    if (error instanceof EmptySpaceError) return undefined;
    throw error;
  }
}
