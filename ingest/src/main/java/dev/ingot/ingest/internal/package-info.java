/**
 * <b>Internal, not API.</b> Helpers shared by the sources and the loader (Arrow batch building, ordered
 * parallel parts, error message forms). May change in any release.
 */
package dev.ingot.ingest.internal;
