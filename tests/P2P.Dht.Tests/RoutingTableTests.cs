using System.Net;
using CsCheck;
using P2P.Dht.Routing;

namespace P2P.Dht.Tests;

/// <summary>Routing-table invariants under arbitrary sequences of inserts, failures and pings.</summary>
public sealed class RoutingTableTests
{
    private static readonly Key Self = new(Enumerable.Repeat((byte)0x5a, Key.Length).ToArray());

    /// <summary>One operation: 0 add, 1 fail (remove), 2 mark seen, 3 add self; on contact (cpl, salt); dt ms later.</summary>
    private static readonly Gen<(int Kind, int Cpl, int Salt, int Dt)> Op =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 5], Gen.Int[0, 29], Gen.Int[0, 90_000]);

    private static Contact ContactFor(int cpl, int salt)
    {
        var id = Key.RandomInBucket(Self, cpl, new Random((cpl * 1000) + salt));
        // Three subnets per bucket so that the diversity limit bites.
        return new Contact(id, default, new IPEndPoint(new IPAddress([10, 0, (byte)(salt % 3), (byte)salt]), 4001));
    }

    private static string Print((int Kind, int Cpl, int Salt, int Dt)[] ops) =>
        string.Join(", ", ops.Select(o => $"{(o.Kind switch { 0 => "add", 1 => "fail", 2 => "seen", _ => "self" })}({o.Cpl},{o.Salt})+{o.Dt}ms"));

    [Fact]
    public void TryAdd_AnySequence_KeepsInvariants()
    {
        var options = new DhtOptions { K = 4, ReplacementCacheSize = 3, MaxPerSubnetPerBucket = 2 };
        Property.ForAll(Op.Array[1, 80], ops =>
        {
            var table = new RoutingTable(Self, options);
            var now = 0L;
            foreach (var (kind, cpl, salt, dt) in ops)
            {
                now += TimeSpan.FromMilliseconds(dt).Ticks;
                var contact = ContactFor(cpl, salt);
                switch (kind)
                {
                    case 0:
                        table.TryAdd(contact, now);
                        break;
                    case 1:
                        table.Remove(contact.Id);
                        Assert.False(table.Contains(contact.Id));
                        break;
                    case 2:
                        table.MarkSeen(contact.Id, now);
                        break;
                    default:
                        Assert.Equal(AddOutcome.RejectedSelf, table.TryAdd(new Contact(Self, default, contact.EndPoint), now).Outcome);
                        break;
                }
                AssertInvariants(table, options);
            }
        }, 300, seed: 11, print: Print);
    }

    [Fact]
    public void Closest_EqualsBruteForce()
    {
        var options = new DhtOptions { K = 4, ReplacementCacheSize = 0 };
        Property.ForAll(Gen.Select(Op.Array[1, 60], Generators.Key), t =>
        {
            var (ops, target) = t;
            var table = new RoutingTable(Self, options);
            foreach (var (_, cpl, salt, _) in ops) table.TryAdd(ContactFor(cpl, salt), 0);
            var all = table.All();
            var expected = all.OrderBy(c => c.Id.Xor(target)).Take(7).Select(c => c.Id).ToList();
            Assert.Equal(expected, table.Closest(target, 7).Select(c => c.Id).ToList());
        }, 300, seed: 12);
    }

    [Fact]
    public void TryAdd_FullBucket_CachesAndAsksToPingOnlyASilentOldest()
    {
        var options = new DhtOptions { K = 2, ReplacementCacheSize = 2, EvictionPingAfter = TimeSpan.FromMinutes(1) };
        var table = new RoutingTable(Self, options);
        var a = ContactFor(0, 1);
        var b = ContactFor(0, 2);
        var c = ContactFor(0, 3);
        table.TryAdd(a, 0);
        table.TryAdd(b, 0);
        var early = table.TryAdd(c, TimeSpan.FromSeconds(10).Ticks);
        Assert.Equal(new AddResult(AddOutcome.Cached), early);
        var late = table.TryAdd(c, TimeSpan.FromMinutes(2).Ticks);
        Assert.Equal(AddOutcome.Cached, late.Outcome);
        Assert.Equal(a, late.PingOldest);
        Assert.Equal([c], table.ReplacementContents(0));
    }

    [Fact]
    public void Remove_PromotesMostRecentReplacement()
    {
        var table = new RoutingTable(Self, new DhtOptions { K = 2, ReplacementCacheSize = 2 });
        var (a, b, c, d) = (ContactFor(0, 1), ContactFor(0, 2), ContactFor(0, 3), ContactFor(0, 4));
        table.TryAdd(a, 0);
        table.TryAdd(b, 5);
        table.TryAdd(c, 6);
        table.TryAdd(d, 7);
        Assert.True(table.Remove(a.Id));
        // d answered at 7, after b: it goes behind b in least-recently-seen order.
        Assert.Equal([b, d], table.BucketContents(0));
        Assert.Equal([c], table.ReplacementContents(0));
    }

    [Fact]
    public void RecordFailure_NoReplacementWaiting_KeepsContactUntilMaxFailures()
    {
        var table = new RoutingTable(Self, new DhtOptions { K = 3, MaxFailures = 3 });
        var (a, b) = (ContactFor(0, 1), ContactFor(0, 2));
        table.TryAdd(a, 0);
        table.TryAdd(b, 1);
        Assert.False(table.RecordFailure(a.Id));
        Assert.False(table.RecordFailure(a.Id));
        // Failures do not count as sightings: a stays the least recently seen.
        Assert.Equal([a, b], table.BucketContents(0));
        Assert.True(table.RecordFailure(a.Id));
        Assert.Equal([b], table.BucketContents(0));
    }

    [Fact]
    public void RecordFailure_ReplacementWaiting_EvictsAtOnce()
    {
        var table = new RoutingTable(Self, new DhtOptions { K = 2, ReplacementCacheSize = 2, MaxFailures = 5 });
        var (a, b, c) = (ContactFor(0, 1), ContactFor(0, 2), ContactFor(0, 3));
        table.TryAdd(a, 0);
        table.TryAdd(b, 1);
        table.TryAdd(c, 2);
        Assert.True(table.RecordFailure(a.Id));
        Assert.Equal([b, c], table.BucketContents(0));
        Assert.Empty(table.ReplacementContents(0));
    }

    [Fact]
    public void RecordFailure_AnswerInBetween_RestartsTheCount()
    {
        var table = new RoutingTable(Self, new DhtOptions { K = 3, MaxFailures = 2 });
        var a = ContactFor(0, 1);
        table.TryAdd(a, 0);
        Assert.False(table.RecordFailure(a.Id));
        Assert.True(table.MarkSeen(a.Id, 5));
        Assert.False(table.RecordFailure(a.Id));
        Assert.True(table.Contains(a.Id));
        Assert.True(table.RecordFailure(a.Id));
        Assert.False(table.Contains(a.Id));
    }

    [Fact]
    public void TryAdd_Seen_MovesToMostRecentEnd()
    {
        var table = new RoutingTable(Self, new DhtOptions { K = 3 });
        var (a, b) = (ContactFor(1, 1), ContactFor(1, 2));
        table.TryAdd(a, 0);
        table.TryAdd(b, 1);
        Assert.Equal(AddOutcome.Updated, table.TryAdd(a, 2).Outcome);
        Assert.Equal([b, a], table.BucketContents(1));
    }

    [Fact]
    public void TryAdd_SubnetLimit_IgnoresLoopback()
    {
        var table = new RoutingTable(Self, new DhtOptions { K = 8, MaxPerSubnetPerBucket = 1 });
        for (var i = 0; i < 5; i++)
        {
            var id = Key.RandomInBucket(Self, 0, new Random(i));
            Assert.Equal(AddOutcome.Added, table.TryAdd(new Contact(id, default, new IPEndPoint(IPAddress.Loopback, 4000 + i)), 0).Outcome);
        }
        var first = new Contact(Key.RandomInBucket(Self, 0, new Random(10)), default, new IPEndPoint(IPAddress.Parse("192.168.7.1"), 1));
        var second = new Contact(Key.RandomInBucket(Self, 0, new Random(11)), default, new IPEndPoint(IPAddress.Parse("192.168.7.2"), 1));
        Assert.Equal(AddOutcome.Added, table.TryAdd(first, 0).Outcome);
        Assert.Equal(AddOutcome.RejectedSubnet, table.TryAdd(second, 0).Outcome);
    }

    private static void AssertInvariants(RoutingTable table, DhtOptions options)
    {
        var seen = new HashSet<Key>();
        var total = 0;
        for (var cpl = 0; cpl < table.BucketCount; cpl++)
        {
            var bucket = table.BucketContents(cpl);
            Assert.True(bucket.Count <= options.K, $"bucket {cpl} holds {bucket.Count} > k");
            Assert.True(table.ReplacementContents(cpl).Count <= options.ReplacementCacheSize);
            long previous = long.MinValue;
            foreach (var contact in bucket)
            {
                Assert.NotEqual(Self, contact.Id);
                Assert.Equal(cpl, Key.CommonPrefixLength(Self, contact.Id));
                Assert.True(seen.Add(contact.Id), "a contact appears twice");
                Assert.DoesNotContain(contact, table.ReplacementContents(cpl));
                var lastSeen = table.LastSeen(contact.Id)!.Value;
                Assert.True(lastSeen >= previous, "bucket not in least-recently-seen order");
                previous = lastSeen;
            }
            foreach (var group in bucket.GroupBy(c => c.EndPoint.Address.GetAddressBytes()[2]))
                Assert.True(group.Count() <= options.MaxPerSubnetPerBucket, $"bucket {cpl} has {group.Count()} from one /24");
            total += bucket.Count;
        }
        Assert.Equal(total, table.Count);
    }
}
