/** OTClient packet recordings: parse, format, and convert to and from otgame records. */
export { parseRecording, formatRecording, bytesToHex, MAX_RECORDED_BYTES, type RecordingEntry, type ParsedRecording, type RecordingProblem } from './format';
export { recordingToRecords, recordsToRecording, FIRST_RECV_U16, FIRST_RECV_U8, type ImportOptions, type ExportOptions, type ExportResult } from './records';
export { importRecordingFile, exportRecordingFile, type ImportFileResult, type ExportFileResult } from './files';
