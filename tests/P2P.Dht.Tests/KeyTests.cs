using System.Numerics;
using CsCheck;

namespace P2P.Dht.Tests;

/// <summary>The XOR metric laws (Kademlia section 2.1) and key encoding.</summary>
public sealed class KeyTests
{
    private static BigInteger D(Key a, Key b) => Key.Distance(a, b).ToBigInteger();

    [Fact]
    public void Distance_IsZeroExactlyForEqualKeys()
    {
        Property.ForAll(Gen.Select(Generators.Key, Generators.Key), t =>
        {
            var (a, b) = t;
            Assert.Equal(BigInteger.Zero, D(a, a));
            Assert.Equal(a == b, D(a, b).IsZero);
        }, 500, seed: 1);
    }

    [Fact]
    public void Distance_IsSymmetric()
    {
        Property.ForAll(Gen.Select(Generators.Key, Generators.Key), t => Assert.Equal(D(t.Item1, t.Item2), D(t.Item2, t.Item1)), 500, seed: 2);
    }

    [Fact]
    public void Distance_SatisfiesTriangleInequality()
    {
        Property.ForAll(Gen.Select(Generators.Key, Generators.Key, Generators.Key), t =>
        {
            var (a, b, c) = t;
            Assert.True(D(a, c) <= D(a, b) + D(b, c));
        }, 500, seed: 3);
    }

    [Fact]
    public void Distance_IsUnidirectional()
    {
        // For every key x and distance Δ there is exactly one y with d(x, y) = Δ, namely x ⊕ Δ; so two
        // distinct keys are never at the same distance from x.
        Property.ForAll(Gen.Select(Generators.Key, Generators.Key, Generators.Key), t =>
        {
            var (x, delta, other) = t;
            var y = x.Xor(delta);
            Assert.Equal(delta, Key.Distance(x, y));
            Assert.Equal(other == y, Key.Distance(x, other) == delta);
        }, 500, seed: 4);
    }

    [Fact]
    public void CompareDistance_AgreesWithIntegerDistance()
    {
        Property.ForAll(Gen.Select(Generators.Key, Generators.Key, Generators.Key), t =>
        {
            var (target, a, b) = t;
            Assert.Equal(D(target, a).CompareTo(D(target, b)), Math.Sign(target.CompareDistance(a, b)));
        }, 500, seed: 5);
    }

    [Fact]
    public void CommonPrefixLength_CountsEqualLeadingBits()
    {
        Property.ForAll(Gen.Select(Generators.Key, Generators.Key), t =>
        {
            var (a, b) = t;
            var expected = 0;
            while (expected < Key.Bits && a.GetBit(expected) == b.GetBit(expected)) expected++;
            Assert.Equal(expected, Key.CommonPrefixLength(a, b));
        }, 300, seed: 6);
    }

    [Fact]
    public void RandomInBucket_LandsInThatBucket()
    {
        Property.ForAll(Gen.Select(Generators.Key, Gen.Int[0, Key.Bits - 1], Gen.Int), t =>
        {
            var (self, cpl, seed) = t;
            var key = Key.RandomInBucket(self, cpl, new Random(seed));
            Assert.Equal(cpl, Key.CommonPrefixLength(self, key));
        }, 500, seed: 7);
    }

    [Fact]
    public void Constructor_RoundTripsBytes()
    {
        Property.ForAll(Gen.Byte.Array[Key.Length], bytes => Assert.Equal(bytes, new Key(bytes).ToArray()), 200, seed: 8);
    }

    [Fact]
    public void Constructor_RejectsWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new Key(new byte[31]));
        Assert.Throws<ArgumentException>(() => new Key(new byte[33]));
    }

    [Fact]
    public void Hash_IsSha256()
    {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Key.Hash("abc"u8).ToString());
    }
}
