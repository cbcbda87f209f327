using System.Buffers.Binary;
using System.Security.Cryptography;
using P2P.Dht.Values;

namespace P2P.Dht.Simulation;

/// <summary>
/// The simulation's value format, standing in for signed IPNS records: <c>sequence (8, big-endian) ‖ tag (16)</c>,
/// the tag being HMAC-SHA256 under a secret only honest publishers know, over the key and the sequence. Adversaries
/// can replay an old value (stale) but cannot make a valid one (forged values fail). Newer is a higher sequence.
/// </summary>
public sealed class SimValueValidator(byte[] secret) : IValueValidator
{
    /// <summary>Namespace of the simulation's keys (<c>/sim/...</c>).</summary>
    public const string Namespace = "sim";

    public const int Length = 8 + TagLength;

    private const int TagLength = 16;

    /// <summary>A valid value of <paramref name="sequence"/> for <paramref name="key"/>.</summary>
    public byte[] Make(ReadOnlySpan<byte> key, ulong sequence)
    {
        var value = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, sequence);
        Tag(key, sequence, value.AsSpan(8));
        return value;
    }

    /// <summary>A value that looks newer than anything but carries a random tag (what a forger can make).</summary>
    public static byte[] Forge(Random random)
    {
        var value = new byte[Length];
        BinaryPrimitives.WriteUInt64BigEndian(value, ulong.MaxValue - (ulong)random.Next(1000));
        random.NextBytes(value.AsSpan(8));
        return value;
    }

    /// <summary>The sequence number of a value (its first 8 bytes).</summary>
    public static ulong SequenceOf(ReadOnlySpan<byte> value) => BinaryPrimitives.ReadUInt64BigEndian(value);

    public bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out string reason)
    {
        if (value.Length != Length)
        {
            reason = $"value of {value.Length} bytes, expected {Length}";
            return false;
        }
        Span<byte> expected = stackalloc byte[TagLength];
        Tag(key, SequenceOf(value), expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, value[8..]))
        {
            reason = "bad tag";
            return false;
        }
        reason = "";
        return true;
    }

    public int Compare(ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => SequenceOf(a).CompareTo(SequenceOf(b));

    private void Tag(ReadOnlySpan<byte> key, ulong sequence, Span<byte> destination)
    {
        Span<byte> message = stackalloc byte[key.Length + 8];
        key.CopyTo(message);
        BinaryPrimitives.WriteUInt64BigEndian(message[key.Length..], sequence);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(secret, message, mac);
        mac[..TagLength].CopyTo(destination);
    }
}
