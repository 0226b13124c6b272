import { toast } from './toast.js';

/**
 * Copies text. The Clipboard API needs a secure context (https or localhost); on plain http
 * from another host the old selection-based copy is the only way.
 */
export async function copyText(text: string, what = 'Copied'): Promise<void> {
  try {
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
    else legacyCopy(text);
    toast(what);
  } catch (error) {
    try {
      legacyCopy(text);
      toast(what);
    } catch {
      toast(`Could not copy: ${(error as Error).message}`, 'error');
    }
  }
}

function legacyCopy(text: string): void {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('the browser refused');
}
