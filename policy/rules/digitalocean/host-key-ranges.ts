/**
 * Where a `#cloud-config` document installs SSH *host* keys: the values of
 * `ssh_keys: { <rsa|ecdsa|ed25519>_private: … }` (cloud-init's cc_ssh module). Read line by line
 * (the policy pack depends on nothing but the Pulumi SDKs, so no YAML parser): a top-level
 * `ssh_keys:` block mapping, each `<type>_private:` key with a block scalar (`|`, `>`) or an
 * inline value. Flow style (`ssh_keys: {…}`) is not recognised, so a key given that way is
 * reported like any other private key. Returns [start, end) offsets of each value.
 */
export function hostKeyRanges(text: string): Array<[number, number]> {
    if (!/^#cloud-config[ \t]*\r?$/m.test(text.split("\n", 1)[0] ?? "")) return [];
    const lines: Array<{ start: number; end: number; body: string }> = [];
    let offset = 0;
    for (const raw of text.split("\n")) {
        lines.push({ start: offset, end: offset + raw.length, body: raw.replace(/\r$/, "") });
        offset += raw.length + 1;
    }
    const indent = (s: string) => s.length - s.trimStart().length;
    const blank = (s: string) => s.trim() === "" || s.trimStart().startsWith("#");
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < lines.length; i++) {
        if (!/^ssh_keys:[ \t]*(#.*)?$/.test(lines[i].body)) continue;
        for (let j = i + 1; j < lines.length; j++) {
            const { body } = lines[j];
            if (!blank(body) && indent(body) === 0) break;
            const key = /^([ \t]+)(?:rsa|dsa|ecdsa|ed25519)_private:[ \t]*(.*)$/.exec(body);
            if (!key) continue;
            const keyIndent = key[1].length;
            if (/^[|>][-+0-9]*[ \t]*(#.*)?$/.test(key[2])) {
                let last = j;
                for (let k = j + 1; k < lines.length && (lines[k].body.trim() === "" || indent(lines[k].body) > keyIndent); k++) last = k;
                if (last > j) ranges.push([lines[j + 1].start, lines[last].end]);
                j = last;
            } else {
                ranges.push([lines[j].start, lines[j].end]);
            }
        }
    }
    return ranges;
}
