using System.Text;
using P2P.Node.Naming;
using P2P.Node.Security;

namespace P2P.Node.Tests.Naming;

public sealed class IpnsValidatorTests
{
    private static readonly DateTimeOffset Now = IpnsVectors.Now;

    private static IpnsName NameOf(NodeIdentity key) => IpnsName.FromPeerId(key.PeerId);

    private static byte[] Make(NodeIdentity key, ulong sequence = 1, TimeSpan? lifetime = null, bool v1 = false) =>
        IpnsRecord.Create(key, IpnsVectors.Value, sequence, Now + (lifetime ?? TimeSpan.FromHours(1)), TimeSpan.FromMinutes(5), v1);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Validate_OwnRecord_IsValid(bool v1)
    {
        using var key = IpnsVectors.Key();
        Assert.True(IpnsValidator.Validate(NameOf(key), Make(key, v1: v1), Now, out var parsed, out var rejection, out var reason), reason);
        Assert.Equal(IpnsRejection.None, rejection);
        Assert.Equal(IpnsVectors.Value, parsed!.Value);
    }

    [Fact]
    public void Validate_TheReferenceLibrarysRecords_AreValid()
    {
        Assert.True(IpnsName.TryParse(IpnsVectors.Name, out var name, out _));
        Assert.True(IpnsValidator.Validate(name, IpnsVectors.V1V2, Now, out var reason), reason);
        Assert.True(IpnsValidator.Validate(name, IpnsVectors.V2, Now, out reason), reason);
    }

    [Fact]
    public void Validate_ForgedSignature_IsRefused()
    {
        using var key = IpnsVectors.Key();
        var bytes = Make(key);
        Assert.True(IpnsRecord.TryParse(bytes, out var record, out _));
        record.Entry.SignatureV2[10] ^= 1;
        AssertRefused(NameOf(key), record.Entry.Encode(), IpnsRejection.BadSignature, "signatureV2");
    }

    [Fact]
    public void Validate_ChangedValue_BreaksTheSignature()
    {
        using var key = IpnsVectors.Key();
        Assert.True(IpnsRecord.TryParse(Make(key), out var record, out _));
        var other = IpnsRecord.Create(key, "/ipfs/bafkqaaa", 1, Now + TimeSpan.FromHours(1), TimeSpan.FromMinutes(5));
        Assert.True(IpnsRecord.TryParse(other, out var otherRecord, out _));
        record.Entry.Data = otherRecord.Entry.Data;
        AssertRefused(NameOf(key), record.Entry.Encode(), IpnsRejection.BadSignature, "signatureV2");
    }

    [Fact]
    public void Validate_AnotherKeysRecord_IsRefused()
    {
        using var key = IpnsVectors.Key();
        using var other = NodeIdentity.Generate();
        AssertRefused(NameOf(other), Make(key), IpnsRejection.BadSignature, "signatureV2");
    }

    [Fact]
    public void Validate_EmbeddedKeyOfAnotherName_IsRefused()
    {
        using var key = IpnsVectors.Key();
        using var other = NodeIdentity.Generate();
        Assert.True(IpnsRecord.TryParse(Make(key), out var record, out _));
        record.Entry.PubKey = Libp2pKey.EncodePublicKey(key.PublicKey);
        AssertRefused(NameOf(other), record.Entry.Encode(), IpnsRejection.WrongKey, "not the key of the name");
        Assert.True(IpnsValidator.Validate(NameOf(key), record.Entry.Encode(), Now, out var reason), reason);
    }

    [Fact]
    public void Validate_HashedNameWithItsKeyInTheRecord_IsValid_AndWithoutIt_IsRefused()
    {
        using var key = IpnsVectors.Key();
        var publicKey = Libp2pKey.EncodePublicKey(key.PublicKey);
        var hashed = IpnsName.FromPublicKeyMessage([.. publicKey, .. new byte[10]]);
        Assert.True(IpnsRecord.TryParse(Make(key), out var record, out _));
        AssertRefused(hashed, record.Bytes, IpnsRejection.NoKey, "does not carry it");
        record.Entry.PubKey = publicKey;
        // The key carried must hash to the name: this name is the hash of other bytes.
        AssertRefused(hashed, record.Entry.Encode(), IpnsRejection.WrongKey, "not the key of the name");
    }

    [Fact]
    public void Validate_Expired_IsRefused()
    {
        using var key = IpnsVectors.Key();
        var bytes = Make(key, lifetime: TimeSpan.FromMinutes(1));
        Assert.True(IpnsValidator.Validate(NameOf(key), bytes, Now + TimeSpan.FromSeconds(59), out _));
        AssertRefused(NameOf(key), bytes, IpnsRejection.Expired, "expired", Now + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Validate_Oversized_IsRefused()
    {
        using var key = IpnsVectors.Key();
        // An unknown protobuf field (15, bytes) pads a valid record past the limit.
        var padding = new byte[IpnsRecord.MaxSize];
        byte[] bytes = [.. Make(key), 0x7a, 0x80, 0x50, .. padding];
        AssertRefused(NameOf(key), bytes, IpnsRejection.TooLarge, "limit");
    }

    [Theory]
    [InlineData("Value")]
    [InlineData("Validity")]
    [InlineData("ValidityType")]
    [InlineData("Sequence")]
    [InlineData("TTL")]
    public void Validate_V1FieldThatDiffersFromTheSignedData_IsRefused(string field)
    {
        using var key = IpnsVectors.Key();
        Assert.True(IpnsRecord.TryParse(Make(key, v1: true), out var record, out _));
        var entry = record.Entry;
        switch (field)
        {
            case "Value": entry.Value = Encoding.UTF8.GetBytes("/ipfs/bafkqaaa"); break;
            case "Validity": entry.Validity = Encoding.ASCII.GetBytes("2999-01-01T00:00:00Z"); break;
            case "ValidityType": entry.ValidityType = 1; break;
            case "Sequence": entry.Sequence = 2; break;
            default: entry.Ttl = 1; break;
        }
        AssertRefused(NameOf(key), entry.Encode(), IpnsRejection.FieldMismatch, $"field {field} differs");
    }

    [Fact]
    public void Validate_Garbage_IsMalformed()
    {
        using var key = IpnsVectors.Key();
        AssertRefused(NameOf(key), [0xff, 0xff, 0xff], IpnsRejection.Malformed, "");
    }

    [Fact]
    public void Compare_HigherSequenceWins_ThenLaterEol()
    {
        using var key = IpnsVectors.Key();
        var older = Parse(Make(key, sequence: 1, lifetime: TimeSpan.FromDays(2)));
        var newer = Parse(Make(key, sequence: 2, lifetime: TimeSpan.FromHours(1)));
        var newerLonger = Parse(Make(key, sequence: 2, lifetime: TimeSpan.FromHours(2)));
        Assert.True(IpnsValidator.Compare(newer, older) > 0);
        Assert.True(IpnsValidator.Compare(older, newer) < 0);
        Assert.True(IpnsValidator.Compare(newerLonger, newer) > 0);
        Assert.Equal(0, IpnsValidator.Compare(newer, Parse(newer.Bytes)));
        Assert.Equal(2, IpnsValidator.Select([older, newer, newerLonger]));
        Assert.Equal(0, IpnsValidator.Select([newerLonger, older, newer]));
        Assert.Equal(-1, IpnsValidator.Select([]));
    }

    [Fact]
    public void Compare_EolsWithinOneTick_AreStillOrdered()
    {
        Assert.True(IpnsRecord.TryParse(IpnsVectors.V2, out var record, out _));
        var later = WithValidity(record, "2126-01-01T00:00:00.000000001Z");
        Assert.True(IpnsValidator.Compare(later, record) > 0);
    }

    private static IpnsRecord WithValidity(IpnsRecord record, string validity)
    {
        var data = new IpnsData(record.Signed.Value, Encoding.ASCII.GetBytes(validity), 0, record.Sequence, record.TtlNanoseconds).Encode();
        var entry = new IpnsEntry { Data = data, SignatureV2 = record.Entry.SignatureV2 };
        return Parse(entry.Encode());
    }

    private static IpnsRecord Parse(byte[] bytes)
    {
        Assert.True(IpnsRecord.TryParse(bytes, out var record, out var error), error);
        return record;
    }

    private static void AssertRefused(IpnsName name, byte[] bytes, IpnsRejection expected, string reasonPart, DateTimeOffset? now = null)
    {
        Assert.False(IpnsValidator.Validate(name, bytes, now ?? Now, out var parsed, out var rejection, out var reason));
        Assert.Null(parsed);
        Assert.Equal(expected, rejection);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }
}
