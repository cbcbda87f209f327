using P2P.Dht.Simulation;
using P2P.Dht.Values;

namespace P2P.Dht.Tests.Values;

/// <summary>The value store: validation, newer-only replacement, maximum age, caps, refusals counted by reason.</summary>
public sealed class ValueStoreTests
{
    private static readonly Key Alice = Dht.Key.Hash("alice"u8);
    private static readonly Key Bob = Dht.Key.Hash("bob"u8);

    [Fact]
    public void Put_OnlyNewerReplaces_SameBytesRenew()
    {
        var store = new ValueStore(TestValues.Options());
        var key = TestValues.Key(1);
        Assert.True(store.Put(key, TestValues.Value(key, 5), Alice, 0).Stored);
        var older = store.Put(key, TestValues.Value(key, 4), Bob, 1);
        Assert.Equal(ValueRefusal.NotNewer, older.Refusal);
        Assert.True(store.Put(key, TestValues.Value(key, 5), Bob, 2).Stored);
        Assert.Equal(5UL, SimValueValidator.SequenceOf(store.Get(key, 3)));
        Assert.True(store.Put(key, TestValues.Value(key, 6), Bob, 4).Stored);
        Assert.Equal(6UL, SimValueValidator.SequenceOf(store.Get(key, 5)));
        Assert.Equal(1, store.Count);
        Assert.Equal(0, store.HeldFor(Alice));
        Assert.Equal(1, store.HeldFor(Bob));
        Assert.Equal(1, store.RefusalCount(ValueRefusal.NotNewer));
    }

    [Fact]
    public void Put_InvalidOrUnknownNamespace_RefusedAndCounted()
    {
        var store = new ValueStore(TestValues.Options());
        var key = TestValues.Key(1);
        var forged = SimValueValidator.Forge(new Random(1));
        Assert.Equal(ValueRefusal.Invalid, store.Put(key, forged, Alice, 0).Refusal);
        Assert.Equal(ValueRefusal.Invalid, store.Put(key, TestValues.Value(TestValues.Key(2), 1), Alice, 0).Refusal);
        Assert.Equal(ValueRefusal.UnknownNamespace, store.Put("/ipns/abc"u8, TestValues.Value(key, 1), Alice, 0).Refusal);
        Assert.Equal(ValueRefusal.UnknownNamespace, store.Put("no-namespace"u8, TestValues.Value(key, 1), Alice, 0).Refusal);
        Assert.Equal(ValueRefusal.ValueTooLarge, store.Put(key, new byte[10 * 1024 + 1], Alice, 0).Refusal);
        Assert.Equal(ValueRefusal.KeyTooLong, store.Put(new byte[257], TestValues.Value(key, 1), Alice, 0).Refusal);
        Assert.Equal(0, store.Count);
        Assert.Equal(2, store.Refusals[ValueRefusal.Invalid]);
        Assert.Equal(2, store.Refusals[ValueRefusal.UnknownNamespace]);
        Assert.Equal(1, store.Refusals[ValueRefusal.ValueTooLarge]);
        Assert.Equal(1, store.Refusals[ValueRefusal.KeyTooLong]);
    }

    [Fact]
    public void Get_ExpiresExactlyAtMaxAge_RenewalRestartsIt()
    {
        var age = TimeSpan.FromHours(48).Ticks;
        var store = new ValueStore(TestValues.Options());
        var key = TestValues.Key(1);
        var value = TestValues.Value(key, 1);
        store.Put(key, value, Alice, 100);
        Assert.NotNull(store.Get(key, 100 + age - 1));
        store.Put(key, value, Alice, 200);
        Assert.NotNull(store.Get(key, 100 + age));
        Assert.Null(store.Get(key, 200 + age));
        Assert.Equal(0, store.Count);
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public void Put_ExpiredValue_AnyValidValueReplacesIt()
    {
        var age = TimeSpan.FromHours(48).Ticks;
        var store = new ValueStore(TestValues.Options());
        var key = TestValues.Key(1);
        store.Put(key, TestValues.Value(key, 9), Alice, 0);
        Assert.True(store.Put(key, TestValues.Value(key, 1), Bob, age).Stored);
        Assert.Equal(1UL, SimValueValidator.SequenceOf(store.Get(key, age)));
    }

    [Fact]
    public void Put_Caps_CountBytesAndPerSender()
    {
        var perSender = new ValueStore(TestValues.Options(perPeer: 2));
        for (var i = 0; i < 2; i++) Assert.True(perSender.Put(TestValues.Key(i), TestValues.Value(TestValues.Key(i), 1), Alice, 0).Stored);
        Assert.Equal(ValueRefusal.SenderFull, perSender.Put(TestValues.Key(2), TestValues.Value(TestValues.Key(2), 1), Alice, 0).Refusal);
        Assert.True(perSender.Put(TestValues.Key(2), TestValues.Value(TestValues.Key(2), 1), Bob, 0).Stored);

        var count = new ValueStore(TestValues.Options(maxValues: 3));
        for (var i = 0; i < 3; i++) Assert.True(count.Put(TestValues.Key(i), TestValues.Value(TestValues.Key(i), 1), Alice, 0).Stored);
        Assert.Equal(ValueRefusal.StoreFull, count.Put(TestValues.Key(3), TestValues.Value(TestValues.Key(3), 1), Bob, 0).Refusal);
        // Replacing a held value needs no new slot.
        Assert.True(count.Put(TestValues.Key(0), TestValues.Value(TestValues.Key(0), 2), Bob, 0).Stored);
        // Once the values expire the slots are reclaimed.
        Assert.True(count.Put(TestValues.Key(3), TestValues.Value(TestValues.Key(3), 1), Bob, TimeSpan.FromHours(48).Ticks).Stored);

        var entry = TestValues.Key(0).Length + SimValueValidator.Length;
        var bytes = new ValueStore(new DhtOptions { Validators = TestValues.Options().Validators, MaxValueBytes = 2 * entry });
        Assert.True(bytes.Put(TestValues.Key(0), TestValues.Value(TestValues.Key(0), 1), Alice, 0).Stored);
        Assert.True(bytes.Put(TestValues.Key(1), TestValues.Value(TestValues.Key(1), 1), Bob, 0).Stored);
        Assert.Equal(ValueRefusal.StoreFull, bytes.Put(TestValues.Key(2), TestValues.Value(TestValues.Key(2), 1), Bob, 0).Refusal);
        Assert.Equal(2 * entry, bytes.Bytes);
        Assert.Equal(2, count.RefusalCount(ValueRefusal.StoreFull) + bytes.RefusalCount(ValueRefusal.StoreFull));
    }

    [Fact]
    public void Get_ValueTheValidatorNoLongerAccepts_Dropped()
    {
        var expiring = new ExpiringValidator();
        var store = new ValueStore(new DhtOptions { Validators = new ValidatorRegistry().Register("exp", expiring) });
        Assert.True(store.Put("/exp/a"u8, "v"u8, Alice, 0).Stored);
        Assert.NotNull(store.Get("/exp/a"u8, 1));
        expiring.Expired = true;
        Assert.Null(store.Get("/exp/a"u8, 2));
        Assert.Equal(0, store.Count);
    }

    [Theory]
    [InlineData("/ipns/x", "ipns")]
    [InlineData("/pk/abc/def", "pk")]
    [InlineData("/ipns/", null)]
    [InlineData("//x", null)]
    [InlineData("ipns/x", null)]
    [InlineData("/ipns", null)]
    public void NamespaceOf_ParsesSlashPrefix(string key, string? expected) =>
        Assert.Equal(expected, ValidatorRegistry.NamespaceOf(System.Text.Encoding.ASCII.GetBytes(key)));

    private sealed class ExpiringValidator : IValueValidator
    {
        public bool Expired { get; set; }

        public bool Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, out string reason)
        {
            reason = Expired ? "expired" : "";
            return !Expired;
        }

        public int Compare(ReadOnlySpan<byte> key, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => 0;
    }
}
