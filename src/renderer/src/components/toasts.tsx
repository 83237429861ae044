import { useEffect } from 'react';
import { dismissToast, type Toast, useUi } from '../store/ui-store';

function ToastItem({ toast }: { toast: Toast }) {
  useEffect(() => {
    const t = setTimeout(() => dismissToast(toast.id), toast.kind === 'alert' ? 15_000 : 8000);
    return () => clearTimeout(t);
  }, [toast.id, toast.kind]);
  return (
    <div className={`toast ${toast.kind}`} role={toast.kind === 'info' ? 'status' : 'alert'}>
      <div>
        <strong>{toast.title}</strong>
        <div>{toast.body}</div>
      </div>
      <button
        type="button"
        className="icon"
        aria-label="Dismiss notification"
        onClick={() => dismissToast(toast.id)}
      >
        ×
      </button>
    </div>
  );
}

/** In-app notifications (the only kind in a browser; beside the native ones in Electron). */
export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
