using System.Reflection;
using NetArchTest.Rules;

namespace P2P.Node.Tests.Architecture;

/// <summary>
/// The layers of P2P.Node (docs/ARCHITECTURE.md) as data: each folder/namespace and the folders it may use.
/// A folder may always use itself, its own sub-namespaces and anything outside P2P (the BCL, packages);
/// NetArchTest reads the compiled IL, so a reference in a method body counts as much as one in a signature.
/// </summary>
public static class LayerRules
{
    public const string Root = "P2P.Node";

    /// <summary>
    /// Every folder of P2P.Node and the folders below it that it may reference. Errors (the error kinds, their table
    /// and the classifier) is the floor: it uses nothing and every folder may use it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Errors"] = [],
        ["Multiformats"] = ["Errors"],
        ["Security"] = ["Errors", "Multiformats"],
        ["Storage"] = ["Errors", "Multiformats", "Security"],
        ["Wire"] = ["Errors", "Multiformats"],
        ["Transport"] = ["Errors", "Multiformats", "Security"],
        ["Content"] = ["Errors", "Multiformats", "Storage"],
        ["Exchange"] = ["Errors", "Multiformats", "Security", "Storage", "Wire", "Transport"],
        ["DhtBinding"] = ["Errors", "Multiformats", "Security", "Wire", "Transport"],
        ["Nat"] = ["Errors"],
        ["Naming"] = ["Errors", "Multiformats", "Security", "Storage", "Content"],
        ["Hosting"] = ["Errors", "Multiformats", "Security", "Storage", "Wire", "Transport", "Content", "Exchange", "DhtBinding", "Nat", "Naming"],
    };

    /// <summary>The types of <paramref name="assembly"/> in folder <paramref name="layer"/> that use a folder it may not.</summary>
    public static IReadOnlyList<string> Violations(Assembly assembly, string layer, IEnumerable<string> allowed)
    {
        var forbidden = Allowed.Keys
            .Where(other => other != layer && !allowed.Contains(other))
            .Select(other => $"{Root}.{other}")
            .ToArray();
        if (forbidden.Length == 0)
            return [];
        var result = Types.InAssembly(assembly)
            .That().ResideInNamespace($"{Root}.{layer}")
            .ShouldNot().HaveDependencyOnAny(forbidden)
            .GetResult();
        return result.IsSuccessful ? [] : result.FailingTypeNames?.ToList() ?? ["(unnamed types)"];
    }
}
