using System.Reflection;
using NetArchTest.Rules;
using P2P.Node.Storage;

namespace P2P.Node.Tests.Architecture;

public sealed class LayerRulesTests
{
    private static readonly Assembly Node = typeof(Repo).Assembly;

    public static TheoryData<string> Layers() => new(LayerRules.Allowed.Keys);

    [Theory]
    [MemberData(nameof(Layers))]
    public void Layer_UsesOnlyTheLayersBelowIt(string layer)
    {
        var violations = LayerRules.Violations(Node, layer, LayerRules.Allowed[layer]);
        Assert.True(violations.Count == 0,
            $"{layer} may use only [{string.Join(", ", LayerRules.Allowed[layer])}], but these types reach further: {string.Join(", ", violations)}");
    }

    [Fact]
    public void EveryFolderOfTheAssembly_HasARule()
    {
        var folders = Node.GetTypes()
            .Select(t => t.Namespace)
            .Where(ns => ns is not null && ns.StartsWith(LayerRules.Root + ".", StringComparison.Ordinal))
            .Select(ns => ns!.Split('.')[2])
            .Distinct()
            .Order()
            .ToList();
        Assert.Equal(LayerRules.Allowed.Keys.Order().ToList(), folders);
    }

    /// <summary>The check can fail: Hosting does use Storage, so a rule that forbade it must name types.</summary>
    [Fact]
    public void Violations_ARuleTheCodeBreaks_NamesTheTypes()
    {
        var violations = LayerRules.Violations(Node, "Hosting", ["Multiformats"]);
        Assert.Contains(violations, name => name.StartsWith("P2P.Node.Hosting.", StringComparison.Ordinal));
    }

    /// <summary>The Kademlia library stays pure: no node code, no transport, serialiser or crypto package.</summary>
    [Fact]
    public void Dht_ReferencesNoNodeCodeAndNoTransportSerialiserOrCryptoPackage()
    {
        var result = Types.InAssembly(typeof(P2P.Dht.DhtNode).Assembly)
            .ShouldNot().HaveDependencyOnAny("P2P.Node", "LiteNetLib", "MessagePack", "NSec")
            .GetResult();
        Assert.True(result.IsSuccessful, string.Join(", ", result.FailingTypeNames ?? []));
    }
}
