// The srv_features ruleset's answer for one connection: a list of option
// letters (op.txt 5.1.4.17; upper case turns a feature off, lower case on),
// or `$#temp`: the features cannot be determined, and the session refuses
// mail with "450 4.3.0 Please try again later." (learned from real 8.17).
//   A no AUTH           B no VERB            D no DSN (RET, ENVID, NOTIFY, ORCPT refused)
//   E no ETRN           X no EXPN (nor VERB) P no PIPELINING     S no STARTTLS
//   l AUTH required     L AUTH not required (default)
// Letters for settings this daemon does not have (c, V, h, and the lower
// case defaults) are accepted and change nothing.

export interface ServerFeatures {
  /** PrivacyOptions words the letters amount to (noverb, noexpn, noetrn, noreceipts). */
  privacy: string[];
  noAuth: boolean;
  noPipelining: boolean;
  noStartTls: boolean;
  /** true: l, false: L, undefined: neither. */
  authRequired: boolean | undefined;
  /** $#temp. */
  temporaryFailure: boolean;
}

/** Reads the letters of a srv_features result ("A B", "AB", "temp"). */
export function parseServerFeatures(result: string): ServerFeatures {
  const features: ServerFeatures = { privacy: [], noAuth: false, noPipelining: false, noStartTls: false, authRequired: undefined, temporaryFailure: false };
  if (result.trim().toLowerCase() === 'temp') {
    features.temporaryFailure = true;
    return features;
  }
  for (const letter of result.replace(/\s+/g, '')) {
    switch (letter) {
      case 'A':
        features.noAuth = true;
        break;
      case 'B':
        features.privacy.push('noverb');
        break;
      case 'D':
        features.privacy.push('noreceipts');
        break;
      case 'E':
        features.privacy.push('noetrn');
        break;
      case 'X':
        features.privacy.push('noexpn', 'noverb');
        break;
      case 'P':
        features.noPipelining = true;
        break;
      case 'S':
        features.noStartTls = true;
        break;
      case 'l':
        features.authRequired = true;
        break;
      case 'L':
        features.authRequired = false;
        break;
      default:
        break;
    }
  }
  return features;
}
