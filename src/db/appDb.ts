// Its own module so the start-up session check can open the database without the whole barrel.
import { APP_DB_NAME } from './appDbName'
import { FullGridDb } from './schema'

let instance: FullGridDb | null = null

/** The app's database (one per origin); tests make their own FullGridDb with another name. */
export function appDb(): FullGridDb {
  instance ??= new FullGridDb(APP_DB_NAME)
  return instance
}
