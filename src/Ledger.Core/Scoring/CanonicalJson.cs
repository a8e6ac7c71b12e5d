using System.Globalization;
using System.Text;

namespace Ledger.Core.Scoring;

/// <summary>
/// A minimal writer of canonical JSON (RFC 8785, JCS, for documents of strings, integers, booleans, arrays and
/// objects): no whitespace, object members written in the order the caller gives (callers give them sorted by name,
/// as JCS requires), strings escaped only where JSON must (<c>"</c>, <c>\</c>, control characters), everything else
/// as raw UTF-8, integers in invariant decimal. The same document gives the same bytes on any machine and in any
/// language with a JCS library.
/// </summary>
internal sealed class CanonicalJson
{
    private readonly StringBuilder _text = new();
    private readonly Stack<int> _itemsInContainer = new();
    private bool _afterName;

    public CanonicalJson StartObject() => Open('{');
    public CanonicalJson EndObject() => Close('}');
    public CanonicalJson StartArray() => Open('[');
    public CanonicalJson EndArray() => Close(']');

    public CanonicalJson Name(string name)
    {
        BeforeItem();
        WriteString(name);
        _text.Append(':');
        _afterName = true;
        return this;
    }

    public CanonicalJson String(string value)
    {
        BeforeValue();
        WriteString(value);
        return this;
    }

    public CanonicalJson Number(long value)
    {
        BeforeValue();
        _text.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public CanonicalJson Bool(bool value)
    {
        BeforeValue();
        _text.Append(value ? "true" : "false");
        return this;
    }

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(_text.ToString());

    public override string ToString() => _text.ToString();

    private CanonicalJson Open(char bracket)
    {
        BeforeValue();
        _text.Append(bracket);
        _itemsInContainer.Push(0);
        return this;
    }

    private CanonicalJson Close(char bracket)
    {
        _itemsInContainer.Pop();
        _text.Append(bracket);
        return this;
    }

    // A value right after a member name belongs to that member; any other value is an array item (or the root).
    private void BeforeValue()
    {
        if (_afterName)
        {
            _afterName = false;
            return;
        }
        BeforeItem();
    }

    private void BeforeItem()
    {
        if (_itemsInContainer.Count == 0)
        {
            return;
        }
        var items = _itemsInContainer.Pop();
        if (items > 0)
        {
            _text.Append(',');
        }
        _itemsInContainer.Push(items + 1);
    }

    private void WriteString(string value)
    {
        _text.Append('"');
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '"': _text.Append("\\\""); break;
                case '\\': _text.Append("\\\\"); break;
                case '\b': _text.Append("\\b"); break;
                case '\f': _text.Append("\\f"); break;
                case '\n': _text.Append("\\n"); break;
                case '\r': _text.Append("\\r"); break;
                case '\t': _text.Append("\\t"); break;
                default:
                    if (ch < 0x20)
                    {
                        _text.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _text.Append(ch);
                    }
                    break;
            }
        }
        _text.Append('"');
    }
}
