#!/usr/bin/python3
"""The semantic test cases of vc's TextFSM engine, and their expected
results from Python textfsm (Debian's python3-textfsm): run it to rewrite
semantics.json, which TestSemantics reads. Python textfsm is the judge.
"""
import json
import io
import os
import re

import textfsm

CASES = [
 ("filldown_required_eof", "Value Filldown VRF (\\S+)\nValue Required IP (\\S+)\n\nStart\n  ^VRF ${VRF}\n  ^ip ${IP} -> Record\n", "VRF red\nip 1\nip 2\nVRF blue\nip 3\n"),
 ("filldown_alone_recorded_at_eof", "Value Filldown VRF (\\S+)\nValue IP (\\S+)\n\nStart\n  ^VRF ${VRF}\n  ^ip ${IP} -> Record\n", "VRF red\nip 1\nVRF blue\n"),
 ("fillup", "Value Fillup GROUP (\\S+)\nValue NAME (\\S+)\n\nStart\n  ^name ${NAME} -> Record\n  ^group ${GROUP}\n", "name a\nname b\ngroup g1\nname c\ngroup g2\n"),
 ("list_with_none", "Value List ITEM (\\S+)\nValue List OPT (\\d+)\nValue NAME (\\S+)\n\nStart\n  ^item ${ITEM}( ${OPT})?\n  ^end ${NAME} -> Record\n", "item a 1\nitem b\nend x\nitem c\nend y\n"),
 ("list_nested_groups", "Value List PAIR ((?P<key>\\w+)=(?P<val>\\d+)?)\n\nStart\n  ^set ${PAIR}\n", "set a=1\nset b=\nset c=3\n"),
 ("list_filldown_keeps_items", "Value List,Filldown ITEM (\\S+)\nValue NAME (\\S+)\n\nStart\n  ^item ${ITEM}\n  ^end ${NAME} -> Record\n", "item a\nend x\nitem b\nend y\n"),
 ("required_then_list_order", "Value Required,List A (\\S+)\nValue B (\\S+)\n\nStart\n  ^a ${A}\n  ^b ${B} -> Record\n", "a 1\nb 2\nb 3\n"),
 ("continue_then_record", "Value FIRST (\\S+)\nValue SECOND (\\S+)\n\nStart\n  ^${FIRST}\\s -> Continue\n  ^\\S+\\s+${SECOND} -> Record\n", "a b\nc d\n"),
 ("clear_vs_clearall", "Value Filldown A (\\S+)\nValue B (\\S+)\n\nStart\n  ^a ${A}\n  ^b ${B}\n  ^clear -> Clear\n  ^all -> Clearall\n  ^rec -> Record\n", "a 1\nb 2\nclear\nrec\nb 3\nall\nrec\nb 4\nrec\n"),
 ("error_with_message", "Value A (\\S+)\n\nStart\n  ^ok ${A} -> Record\n  ^bad -> Error \"no good\"\n", "ok 1\nbad\nok 2\n"),
 ("error_plain", "Value A (\\S+)\n\nStart\n  ^ok ${A} -> Record\n  ^. -> Error\n", "ok 1\nnope\n"),
 ("eof_state_suppresses_last", "Value A (\\S+)\n\nStart\n  ^a ${A}\n  ^rec -> Record\n\nEOF\n", "a 1\nrec\na 2\n"),
 ("end_state_stops", "Value A (\\S+)\n\nStart\n  ^a ${A} -> Record\n  ^stop -> End\n", "a 1\nstop\na 2\n"),
 ("goto_eof_records", "Value A (\\S+)\n\nStart\n  ^a ${A}\n  ^stop -> EOF\n", "a 1\nstop\na 2\n"),
 ("states_and_next_record", "Value Filldown SEC (\\S+)\nValue Required K (\\S+)\nValue V (\\S+)\n\nStart\n  ^section ${SEC} -> Body\n\nBody\n  ^  ${K}: ${V} -> Next.Record\n  ^end -> Start\n", "section one\n  a: 1\n  b: 2\nend\nsection two\n  c: 3\nend\n"),
 ("dollar_dollar_anchor", "Value A (\\S+)\n\nStart\n  ^a ${A}$$ -> Record\n", "a 1\na 2 extra\n"),
 ("unbraced_substitution", "Value A (\\d+)\n\nStart\n  ^n $A -> Record\n", "n 12\nn x\n"),
 ("lone_dollar_is_error", "Value A (\\S+)\n\nStart\n  ^a ${A}$ -> Record\n", "a 1\n"),
 ("undefined_variable", "Value A (\\S+)\n\nStart\n  ^a ${B} -> Record\n", "a 1\n"),
 ("unicode_space_nbsp", "Value A (\\S+)\nValue B (\\S+)\n\nStart\n  ^${A}\\s+${B} -> Record\n", "x\u00a0y\nleft\u2003right\n"),
 ("repeat_without_lower_bound", "Value A (\\d+)\n\nStart\n  ^id\\s{,4}${A} -> Record\n", "id 1\nid    2\nid      3\n"),
 ("empty_string_is_recorded", "Value A (\\S*)\nValue B (x?)\n\nStart\n  ^a=${A};b=${B}$$ -> Record\n", "a=;b=\na=1;b=x\n"),
 ("unmatched_group_assigns_none", "Value A (\\S+)\nValue B (\\S+)\n\nStart\n  ^a ${A}\n  ^b( ${B})?$$\n  ^rec -> Record\n", "a 1\nb 2\nb\nrec\n"),
 ("splitlines_like_python", "Value A (\\S+)\n\nStart\n  ^line ${A} -> Record\n", "line 1\rline 2\r\nline 3\x0cline 4\x1cline 5\u2028line 6\nline 7"),
 ("lookahead_regexp2", "Value A (\\S+)\n\nStart\n  ^${A}(?=\\s+up) -> Record\n", "eth0 up\neth1 down\n"),
 ("backreference_regexp2", "Value A (\\w)\n\nStart\n  ^${A}\\1 -> Record\n", "aa\nab\n"),
 ("big_repeat_regexp2", "Value A (x{1001})\n\nStart\n  ^${A} -> Record\n", "x" * 1001 + "\n" + "x" * 999 + "\n"),
 ("case_insensitive_flag", "Value A (\\S+)\n\nStart\n  ^(?i)name ${A} -> Record\n", "NAME a\nName b\n"),
 ("global_flag_not_at_start", "Value A ((?i)\\S+)\n\nStart\n  ^x ${A} -> Record\n", "x a\n"),
 ("duplicate_group_name", "Value A (\\S+)\n\nStart\n  ^${A} ${A} -> Record\n", "a b\n"),
 ("named_group_not_a_value", "Value A (\\S+)\n\nStart\n  ^(?P<other>\\w+) ${A} -> Record\n", "x y\n"),
 ("all_empty_record_dropped", "Value A (\\S+)\nValue List B (\\S+)\n\nStart\n  ^rec -> Record\n  ^a ${A} -> Record\n", "rec\na 1\nrec\n"),
 ("key_option_and_comments", "# a comment first\nValue Key A (\\S+)\n# between values\nValue B (\\S+)\n\n# before the state\nStart\n  # inside\n  ^${A} ${B} -> Record\n", "k v\n"),
 ("duplicate_value", "Value A (\\S+)\nValue A (\\d+)\n\nStart\n  ^${A}\n", "1\n"),
 ("unknown_option", "Value Sometimes A (\\S+)\n\nStart\n  ^${A}\n", "1\n"),
 ("missing_start", "Value A (\\S+)\n\nBegin\n  ^${A}\n", "1\n"),
 ("rule_without_caret", "Value A (\\S+)\n\nStart\n  ${A}\n", "1\n"),
 ("continue_with_state", "Value A (\\S+)\n\nStart\n  ^${A} -> Continue Other\n\nOther\n  ^x\n", "1\n"),
 ("unknown_target_state", "Value A (\\S+)\n\nStart\n  ^${A} -> Nowhere\n", "1\n"),
 ("value_without_parens", "Value A \\S+\n\nStart\n  ^${A}\n", "1\n"),
 ("reserved_state_name", "Value A (\\S+)\n\nStart\n  ^${A} -> Record\n\nRecord\n  ^x\n", "1\n"),
 ("quoted_state_not_error", "Value A (\\S+)\n\nStart\n  ^${A} -> Next \"msg\"\n", "1\n"),
 ("record_with_new_state", "Value A (\\S+)\n\nStart\n  ^${A} -> Record Second\n\nSecond\n  ^${A} -> Record Start\n", "1\n2\n3\n"),
 ("nonempty_eof_state", "Value A (\\S+)\n\nStart\n  ^${A}\n\nEOF\n  ^x\n", "1\n"),
 ("no_values_no_substitution", "\nStart\n  ^a$$\n", "a\n"),
 ("bad_escape", "Value A (\\S+)\n\nStart\n  ^\\q${A}\n", "1\n"),
 ("posix_class_is_literal", "Value A ([[:digit:]]+)\n\nStart\n  ^${A} -> Record\n", "12\n:d]\n"),
 ("word_boundary_unicode", "Value A (\\w+)\n\nStart\n  ^${A}\\b -> Record\n", "caf\u00e9 x\n"),
]


def line_of(msg):
    m = re.search(r"Line:? (\d+)", msg)
    return int(m.group(1)) if m else 0


def main():
    out = []
    for name, tmpl, text in CASES:
        case = {"name": name, "template": tmpl, "input": text}
        try:
            fsm = textfsm.TextFSM(io.StringIO(tmpl))
        except textfsm.TextFSMTemplateError as e:
            case["template_error"] = str(e)
            case["error_line"] = line_of(str(e))
            out.append(case)
            continue
        try:
            case["records"] = fsm.ParseText(text)
            case["header"] = fsm.header
        except textfsm.TextFSMError as e:
            case["parse_error"] = str(e)
        out.append(case)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "semantics.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
