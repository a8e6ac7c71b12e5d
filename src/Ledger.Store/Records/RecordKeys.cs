using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Records;

/// <summary>
/// The keys a record is found by (schema 5, docs/store.md "Why the records collection has three indexes"): every id
/// the record names — its consent, every organization involved, the enterprise, the loan — as one multikey index
/// <c>refs</c>, each key 33 bytes of binary (a tag byte saying what the id is, then its 32 bytes). A record gets a key
/// only for the ids it has, so an access record adds three index entries, not one per possible field.
/// </summary>
internal static class RecordKeys
{
    public const byte ConsentTag = 1;
    public const byte OrganizationTag = 2;
    public const byte EnterpriseTag = 3;
    public const byte LoanTag = 4;

    /// <summary>The key of <paramref name="id"/> under <paramref name="tag"/>.</summary>
    public static BsonValue Ref(byte tag, Hash32 id)
    {
        var key = new byte[33];
        key[0] = tag;
        id.CopyTo(key.AsSpan(1));
        return new BsonValue(key);
    }

    /// <summary>Every key of a record (distinct).</summary>
    public static BsonArray Refs(RecordCodec.IndexFields index)
    {
        var refs = new BsonArray();
        if (index.Consent is { } consent)
        {
            refs.Add(Ref(ConsentTag, consent.Value));
        }
        foreach (var org in index.Orgs.Distinct())
        {
            refs.Add(Ref(OrganizationTag, org.Value));
        }
        if (index.Enterprise is { } enterprise)
        {
            refs.Add(Ref(EnterpriseTag, enterprise.Value));
        }
        if (index.Loan is { } loan)
        {
            refs.Add(Ref(LoanTag, loan.Value));
        }
        return refs;
    }

    /// <summary>A stored hash: 32 bytes of binary (schema 5) or 0x-hex (before); false when it is neither.</summary>
    public static bool TryHash(BsonValue value, out Hash32 hash)
    {
        if (value.IsBinary && value.AsBinary.Length == 32)
        {
            hash = new Hash32(value.AsBinary);
            return true;
        }
        return Hash32.TryParse(value.IsString ? value.AsString : null, out hash);
    }

    /// <summary>A stored hash as text for messages (binary since schema 5, hex before).</summary>
    public static string HashText(BsonValue value) => value switch
    {
        { IsBinary: true } when value.AsBinary.Length == 32 => new Hash32(value.AsBinary).ToString(),
        { IsString: true } => value.AsString,
        _ => value.ToString(),
    };
}
