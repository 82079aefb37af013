global using Concurrency.Analyzers.Catalog;
global using Concurrency.Analyzers.Engine;
global using Concurrency.Analyzers.Model.Locks;
global using Concurrency.Analyzers.Model.Tasks;
