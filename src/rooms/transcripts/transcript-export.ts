import { RoomTranscriptDto, TranscriptExportFormat } from './room-transcript.dto';

/** Length given to a VTT cue whose segment has no end. */
const DEFAULT_CUE_MS = 2000;

/** An exported transcript: the document and its content type. */
export interface TranscriptExport {
  contentType: string;
  body: string;
}

/** Formats milliseconds as a WebVTT timestamp `HH:MM:SS.mmm`. */
export function vttTime(ms: number): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** A WebVTT document of the segments, in order; a segment without times follows the previous one. */
export function toVtt(segments: RoomTranscriptDto[]): string {
  let cursor = 0;
  const cues = segments.map((seg, i) => {
    const start = seg.startedAt ?? cursor;
    const end = Math.max(seg.endedAt ?? start + DEFAULT_CUE_MS, start + 1);
    cursor = end;
    // "-->" and blank lines would end a cue early: keep each cue's text on non-empty lines.
    const text = seg.text.replace(/-->/g, '->').split(/\r?\n/).filter((l) => l.trim() !== '').join('\n');
    return `${i + 1}\n${vttTime(start)} --> ${vttTime(end)}\n${text}`;
  });
  return ['WEBVTT', ...cues].join('\n\n') + '\n';
}

/** One line per segment, `[HH:MM:SS.mmm] ` before timed ones. */
export function toTxt(segments: RoomTranscriptDto[]): string {
  return segments.map((s) => (s.startedAt !== null ? `[${vttTime(s.startedAt)}] ${s.text}` : s.text)).join('\n') + (segments.length ? '\n' : '');
}

export function exportTranscript(segments: RoomTranscriptDto[], format: TranscriptExportFormat): TranscriptExport {
  return format === 'vtt'
    ? { contentType: 'text/vtt; charset=utf-8', body: toVtt(segments) }
    : { contentType: 'text/plain; charset=utf-8', body: toTxt(segments) };
}
