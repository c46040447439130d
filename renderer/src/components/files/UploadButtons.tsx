import { useRef } from 'react';
import { itemsFromFileList, type UploadItem } from '../../files/uploadItems';

interface Props {
  disabled: boolean;
  onPick(items: UploadItem[]): void;
}

/** "Upload files" (several at once) and "Upload folder" (a whole folder), with the browser's pickers. */
export function UploadButtons({ disabled, onPick }: Props) {
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const picked = (input: HTMLInputElement): void => {
    const items = itemsFromFileList(input.files ?? []);
    input.value = '';
    if (items.length > 0) onPick(items);
  };
  return (
    <>
      <button type="button" className="button button-small button-primary" disabled={disabled} onClick={() => files.current?.click()}>
        Upload files
      </button>
      <button type="button" className="button button-small" disabled={disabled} onClick={() => folder.current?.click()}>
        Upload folder
      </button>
      <input ref={files} type="file" multiple hidden aria-label="Files to upload" onChange={(e) => picked(e.currentTarget)} />
      <input
        ref={(el) => {
          folder.current = el;
          // Not a React prop: set the attribute that makes the picker choose a folder.
          el?.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        aria-label="Folder to upload"
        onChange={(e) => picked(e.currentTarget)}
      />
    </>
  );
}
