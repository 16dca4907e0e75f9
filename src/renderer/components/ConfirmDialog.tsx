import { Dialog } from './Dialog.tsx';

interface ConfirmDialogProps {
  title: string;
  body: string;
  /** The confirming button repeats the verb ("Delete", "Block"). */
  verb: string;
  destructive?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** One confirmation step before anything destructive. */
export function ConfirmDialog({ title, body, verb, destructive, onConfirm, onCancel }: ConfirmDialogProps) {
  return (
    <Dialog title={title} onClose={onCancel}>
      <p>{body}</p>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel} autoFocus>Cancel</button>
        <button type="button" className={destructive ? 'danger' : 'primary'} onClick={onConfirm}>{verb}</button>
      </div>
    </Dialog>
  );
}
