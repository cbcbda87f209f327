using CsCheck;

namespace P2P.Dht.Tests;

/// <summary>Shared CsCheck generators. Keys shrink towards zero bytes, which prints readably.</summary>
internal static class Generators
{
    public static readonly Gen<Key> Key = Gen.Byte.Array[Dht.Key.Length].Select(b => new Key(b));
}
