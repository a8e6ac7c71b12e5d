using System.Buffers.Binary;
using Ledger.Core.Primitives;
using Ledger.Store.Internal;
using LiteDB;

namespace Ledger.Store.Records;

/// <summary>
/// Where a record is found by its hash, since schema 5 has no index on it (docs/store.md, "Why the records collection
/// has no hash index"): a map in memory from the first 8 bytes of each stored record's hash to its sequence, built by
/// one scan of the records the first time a hash is looked up, then kept up to date by every commit that adds records.
/// A candidate is always checked against the record's stored hash, so a shared prefix costs one more read, never a
/// wrong answer. About 30 bytes of memory per record while built (≈ 30 MB for a million); never built on a node that
/// only accepts records it numbers itself (the tax node's access path), see <see cref="RecordStore"/>.
/// Used under the store's lock only.
/// </summary>
internal sealed class HashDirectory
{
    private Dictionary<ulong, ulong>? _first;
    private Dictionary<ulong, List<ulong>>? _more;

    /// <summary>True once built (then <see cref="Add"/> keeps it current).</summary>
    public bool IsBuilt => _first is not null;

    public static ulong Prefix(Hash32 hash)
    {
        Span<byte> bytes = stackalloc byte[32];
        hash.CopyTo(bytes);
        return BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    /// <summary>Builds the map from the records collection, when not built yet.</summary>
    public void EnsureBuilt(LiteDatabase db)
    {
        if (_first is not null)
        {
            return;
        }
        _first = [];
        _more = [];
        foreach (var doc in db.GetCollection(Collections.Records).FindAll())
        {
            // A record whose hash is unreadable cannot be found by hash anyway (reading it reports it as tampered).
            if (RecordKeys.TryHash(doc["hash"], out var hash))
            {
                Add(hash, Bson.ToU64(doc["_id"]));
            }
        }
    }

    /// <summary>Forgets the map (it is built again when next needed).</summary>
    public void Reset()
    {
        _first = null;
        _more = null;
    }

    /// <summary>Sequences of the stored records whose hash starts like <paramref name="hash"/> (the map must be built).</summary>
    public IEnumerable<ulong> Candidates(Hash32 hash)
    {
        var prefix = Prefix(hash);
        if (_first!.TryGetValue(prefix, out var sequence))
        {
            yield return sequence;
            if (_more!.TryGetValue(prefix, out var others))
            {
                foreach (var other in others)
                {
                    yield return other;
                }
            }
        }
    }

    /// <summary>Adds a committed record (ignored while the map is not built: the scan will find it).</summary>
    public void Add(Hash32 hash, ulong sequence)
    {
        if (_first is null)
        {
            return;
        }
        var prefix = Prefix(hash);
        if (!_first.TryAdd(prefix, sequence))
        {
            if (!_more!.TryGetValue(prefix, out var others))
            {
                _more[prefix] = others = [];
            }
            others.Add(sequence);
        }
    }
}
