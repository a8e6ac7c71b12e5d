using System.Buffers.Binary;
using System.Numerics;

namespace Ledger.Core.Primitives;

/// <summary>
/// Solidity's <c>abi.encode</c> for static types (bytes32, uintN, bool, address): one 32-byte word per value.
/// The canonical encoding of every off-chain record and of EIP-712 structs, so that a record hashed here
/// hashes the same in Solidity, ethers or any ABI library.
/// </summary>
public sealed class AbiWords
{
    private readonly List<byte[]> _words = [];

    /// <summary>Number of words written.</summary>
    public int Count => _words.Count;

    /// <summary>Appends a bytes32.</summary>
    public AbiWords Bytes32(Hash32 value)
    {
        _words.Add(value.ToArray());
        return this;
    }

    /// <summary>Appends an unsigned integer (any uintN up to 64 bits).</summary>
    public AbiWords Number(ulong value)
    {
        var word = new byte[32];
        BinaryPrimitives.WriteUInt64BigEndian(word.AsSpan(24), value);
        _words.Add(word);
        return this;
    }

    /// <summary>Appends a uint128.</summary>
    public AbiWords Number(UInt128 value)
    {
        var word = new byte[32];
        BinaryPrimitives.WriteUInt128BigEndian(word.AsSpan(16), value);
        _words.Add(word);
        return this;
    }

    /// <summary>Appends a uint256 from a non-negative integer below 2^256.</summary>
    public AbiWords Number(BigInteger value)
    {
        if (value.Sign < 0 || value.GetByteCount(isUnsigned: true) > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A uint256 is between 0 and 2^256 - 1.");
        }
        var word = new byte[32];
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes.CopyTo(word, 32 - bytes.Length);
        _words.Add(word);
        return this;
    }

    /// <summary>Appends a bool (0 or 1).</summary>
    public AbiWords Bool(bool value) => Number(value ? 1UL : 0UL);

    /// <summary>Appends an address, left-padded.</summary>
    public AbiWords Address(EthAddress value)
    {
        var word = new byte[32];
        value.ToBytes().CopyTo(word, 12);
        _words.Add(word);
        return this;
    }

    /// <summary>The concatenated words.</summary>
    public byte[] ToArray()
    {
        var result = new byte[_words.Count * 32];
        for (var i = 0; i < _words.Count; i++)
        {
            _words[i].CopyTo(result, i * 32);
        }
        return result;
    }

    /// <summary>keccak256 of the encoding.</summary>
    public Hash32 Keccak() => Primitives.Keccak.Hash(ToArray());
}
