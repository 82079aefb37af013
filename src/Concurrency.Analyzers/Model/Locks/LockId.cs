using Microsoft.CodeAnalysis;

namespace Concurrency.Analyzers.Model.Locks;

/// <summary>
/// The one identity of a lock object, shared by every lock rule: a field; a property that is not
/// simply a field (<c>protected object SyncRoot => _root;</c> is <c>_root</c>); <c>this</c> of a type;
/// or <c>typeof(T)</c>. All instances of a field, property or type are one lock — a documented
/// approximation (two objects of one class are told apart only where a rule says so).
/// </summary>
internal sealed class LockId : IEquatable<LockId>
{
    private LockId(LockIdKind kind, ISymbol symbol)
    {
        Kind = kind;
        Symbol = symbol;
    }

    public LockIdKind Kind { get; }

    /// <summary>The field, the property, or the type (of <c>this</c>, or of <c>typeof</c>).</summary>
    public ISymbol Symbol { get; }

    /// <summary>The field, when the lock is one: what a fix can name, and whose initializer tells the lock's kind.</summary>
    public IFieldSymbol? Field => Symbol as IFieldSymbol;

    /// <summary>The type the lock belongs to, as messages name it from other types.</summary>
    public INamedTypeSymbol? ContainingType => Kind is LockIdKind.This or LockIdKind.TypeObject ? Symbol as INamedTypeSymbol : Symbol.ContainingType;

    /// <summary>How a message names the lock inside its own type: <c>_gate</c>, <c>SyncRoot</c>, <c>this</c>, <c>typeof(Ledger)</c>.</summary>
    public string Name => Kind switch
    {
        LockIdKind.This => "this",
        LockIdKind.TypeObject => $"typeof({Symbol.Name})",
        _ => Symbol.Name,
    };

    /// <summary>How a message names the lock from code of <paramref name="site"/>: <c>Type.Field</c> for another type's.</summary>
    public string DisplayFrom(INamedTypeSymbol? site) => Kind switch
    {
        LockIdKind.TypeObject => Name,
        LockIdKind.This => SymbolEqualityComparer.Default.Equals(Symbol, site) ? Name : $"{Symbol.Name} (this)",
        _ => SymbolEqualityComparer.Default.Equals(Symbol.ContainingType, site) ? Name : $"{Symbol.ContainingType.Name}.{Symbol.Name}",
    };

    /// <summary>Where the lock is declared (the field, the property, the type), to order locks stably.</summary>
    public Location? Declaration => Symbol.Locations.FirstOrDefault();

    public static LockId Of(IFieldSymbol field) => new(LockIdKind.Field, field.OriginalDefinition);

    public static LockId Of(IPropertySymbol property) => new(LockIdKind.Property, property.OriginalDefinition);

    public static LockId This(ITypeSymbol type) => new(LockIdKind.This, type.OriginalDefinition);

    public static LockId TypeObject(ITypeSymbol type) => new(LockIdKind.TypeObject, type.OriginalDefinition);

    public bool Equals(LockId? other) => other is not null && other.Kind == Kind && SymbolEqualityComparer.Default.Equals(other.Symbol, Symbol);

    public override bool Equals(object? obj) => Equals(obj as LockId);

    public override int GetHashCode() => (SymbolEqualityComparer.Default.GetHashCode(Symbol) * 4) + (int)Kind;

    public override string ToString() => Name;
}

/// <summary>What kind of object a <see cref="LockId"/> is.</summary>
internal enum LockIdKind
{
    /// <summary>A field (static, or of any instance).</summary>
    Field,

    /// <summary>A property whose getter is more than a field.</summary>
    Property,

    /// <summary><c>lock (this)</c>: the instance itself.</summary>
    This,

    /// <summary><c>lock (typeof(T))</c>: the type object, shared by the whole process.</summary>
    TypeObject,
}
